"""Publish the catalogue as open data (JSON or CSV) with its schema and a datapackage.json."""
from __future__ import annotations

import csv
import json
import shutil
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

from .model import Catalogue

CSV_COLUMNS = [
    "id", "label", "short_label", "category", "institution", "periodicity", "scope",
    "computed_by", "openfisca_variable", "life_events", "description", "online",
    "documents", "legal_source", "legal_url", "last_verified",
]


def _csv_row(aid) -> dict:
    of = aid.openfisca
    return {
        "id": aid.id,
        "label": aid.label,
        "short_label": aid.short_label,
        "category": aid.category,
        "institution": aid.institution,
        "periodicity": aid.periodicity,
        "scope": aid.scope,
        "computed_by": "openfisca-france" if of else "conditions",
        "openfisca_variable": of.variable if of else "",
        "life_events": "|".join(aid.life_events),
        "description": aid.description,
        "online": aid.how_to_apply.get("online", ""),
        "documents": "|".join(aid.documents),
        "legal_source": aid.legal_source.get("label", ""),
        "legal_url": aid.legal_source.get("url", ""),
        "last_verified": aid.last_verified,
    }


def export_catalogue(catalogue: Catalogue, rules: Path, fmt: str, out: Path) -> list[Path]:
    """Write the catalogue to out/ and copy the schemas beside it; return the files."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    schemas = out / "schemas"
    schemas.mkdir(exist_ok=True)
    for schema in sorted((rules / "schemas").glob("*.json")):
        written.append(Path(shutil.copy(schema, schemas / schema.name)))
    if fmt == "json":
        # The file's own schema: a list of aids, each as rules/schemas/aid.schema.json says.
        aid_schema = json.loads((rules / "schemas" / "aid.schema.json").read_text(encoding="utf-8"))
        items = {k: v for k, v in aid_schema.items() if k not in ("$schema", "$id", "$defs")}
        file_schema = out / "aids.schema.json"
        file_schema.write_text(json.dumps({
            "$schema": aid_schema["$schema"], "title": "Catalogue des aides Aidant Desk (aids.json)",
            "type": "array", "items": items, "$defs": aid_schema.get("$defs", {}),  # '#/$defs/…' refs stay valid
        }, ensure_ascii=False, indent=2), encoding="utf-8")
        written.append(file_schema)
        aids = out / "aids.json"
        aids.write_text(json.dumps([a.raw for a in catalogue.aids], ensure_ascii=False, indent=2), encoding="utf-8")
        events = out / "life_events.json"
        events.write_text(json.dumps([
            {"id": e.id, "label": e.label, "description": e.description, "order": e.order,
             "questions": list(e.questions), "changes": list(e.changes),
             "aids": [a.id for a in catalogue.aids_for_event(e.id)]}
            for e in catalogue.life_events
        ], ensure_ascii=False, indent=2), encoding="utf-8")
        written += [aids, events]
    elif fmt == "csv":
        path = out / "aids.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, CSV_COLUMNS)
            writer.writeheader()
            for aid in catalogue.aids:
                writer.writerow(_csv_row(aid))
        written.append(path)
    else:
        raise ValueError(f"format inconnu « {fmt} » : json ou csv")
    written.append(_write_datapackage(catalogue, rules, out, written))
    return written


# The rules carry no licence of their own: they are the project's, as pyproject.toml declares
# (tests/test_datapackage.py checks the two agree).
LICENCE = {"name": "AGPL-3.0-or-later", "path": "https://www.gnu.org/licenses/agpl-3.0.html",
           "title": "GNU Affero General Public License, version 3 ou ultérieure"}

# Table Schema of aids.csv: list-valued fields are joined with « | » (see _csv_row).
CSV_FIELDS = {
    "id": ("string", "Identifiant stable de l'aide."),
    "label": ("string", "Nom de l'aide."),
    "short_label": ("string", "Sigle ou nom court."),
    "category": ("string", "Thème de l'aide."),
    "institution": ("string", "Qui verse ou accorde l'aide."),
    "periodicity": ("string", "mensuelle, annuelle, ponctuelle ou droit (sans montant)."),
    "scope": ("string", "Aide nationale ou locale."),
    "computed_by": ("string", "Qui calcule le droit : openfisca-france ou les conditions du catalogue."),
    "openfisca_variable": ("string", "Variable d'openfisca-france calculée, vide sinon."),
    "life_events": ("string", "Événements de vie de l'aide, séparés par « | »."),
    "description": ("string", "À quoi sert l'aide, en une phrase."),
    "online": ("string", "Adresse de la démarche en ligne, vide s'il n'y en a pas."),
    "documents": ("string", "Pièces à fournir, séparées par « | »."),
    "legal_source": ("string", "Texte de loi ou fiche officielle."),
    "legal_url": ("string", "Adresse de la source légale."),
    "last_verified": ("date", "Date de la dernière vérification de la fiche."),
}


def _csv_schema(rules: Path) -> dict:
    # Enums, patterns and required columns come from aid.schema.json, so the two never drift apart.
    aid_schema = json.loads((rules / "schemas" / "aid.schema.json").read_text(encoding="utf-8"))
    fields = []
    for name in CSV_COLUMNS:
        kind, description = CSV_FIELDS[name]
        field = {"name": name, "type": kind, "description": description}
        prop = aid_schema["properties"].get(name, {})
        constraints = {k: prop[k] for k in ("enum", "pattern") if k in prop and kind == "string"}
        if name in aid_schema["required"] and prop.get("type") == "string":  # a list may be empty
            constraints["required"] = True
        if name == "computed_by":
            constraints["enum"] = ["openfisca-france", "conditions"]
        if name == "id":
            constraints["unique"] = True
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    return {"fields": fields, "primaryKey": ["id"]}


def _resource(path: str, out: Path, rules: Path) -> dict:
    name = path.removesuffix(".json").removesuffix(".csv").replace("/", "-").replace(".", "-")
    if path.endswith(".csv"):
        return {"name": name, "type": "table", "path": path, "format": "csv", "mediatype": "text/csv",
                "encoding": "utf-8", "title": "Catalogue des aides (une ligne par aide)",
                "schema": _csv_schema(rules)}
    # "type": "json" keeps frictionless from reading a *.schema.json file as a Table Schema.
    resource = {"name": name, "type": "json", "path": path, "format": "json", "encoding": "utf-8"}
    if path.endswith(".schema.json"):
        schema = json.loads((out / path).read_text(encoding="utf-8"))
        return resource | {"mediatype": "application/schema+json", "title": schema.get("title", path)}
    resource["mediatype"] = "application/json"
    if path == "aids.json":
        # In Data Package, "schema" means a Table Schema; a JSON file's JSON Schema goes in its own property.
        resource |= {"title": "Catalogue des aides (tel que dans rules/aids)", "jsonSchema": "aids.schema.json"}
    elif path == "life_events.json":
        resource |= {"title": "Événements de vie",
                     "description": "Chaque entrée suit schemas/life_event.schema.json, avec en plus ses aides (aids)."}
    return resource


def _write_datapackage(catalogue: Catalogue, rules: Path, out: Path, written: list[Path]) -> Path:
    """Describe the files this export wrote (Frictionless Data Package v2)."""
    package = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "aidant-desk-catalogue-aides",
        "title": "Catalogue des aides sociales d'Aidant Desk",
        "description": "Les aides sociales que le simulateur Aidant Desk connaît : qui les verse, à quels "
                       "événements de vie elles répondent, comment les demander, les pièces à fournir et "
                       "leur source légale, et qui calcule le droit : openfisca-france ou les conditions du catalogue.",
        # Semantic version of the software, the catalogue's fingerprint as build metadata.
        "version": f"{version('aidant-desk')}+{catalogue.fingerprint}",
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "licenses": [LICENCE],
        "resources": [_resource(p.relative_to(out).as_posix(), out, rules) for p in written],
    }
    path = out / "datapackage.json"
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
