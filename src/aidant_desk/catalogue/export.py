"""Publish the catalogue as open data (JSON or CSV) with its schema."""
from __future__ import annotations

import csv
import json
import shutil
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
    return written
