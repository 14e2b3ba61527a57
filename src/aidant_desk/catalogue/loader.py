"""Read and validate rules/: every problem names the file and the field, in French."""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import yaml

from .. import package_data
from ..validation import InvalidData, Problem, schema_problems
from .packs import installed_rules, rules_version
from .model import (
    Aid,
    Alternative,
    Catalogue,
    Condition,
    ConditionsComputation,
    Criterion,
    LifeEvent,
    OpenfiscaComputation,
    Question,
)

# The catalogue shipped inside the package (rules/ in the repository); AIDANT_DESK_RULES points elsewhere.
DEFAULT_RULES_DIR = package_data.rules_dir()


def rules_dir() -> Path:
    """AIDANT_DESK_RULES, else the pack installed on this desk, else the shipped rules."""
    if "AIDANT_DESK_RULES" in os.environ:
        return Path(os.environ["AIDANT_DESK_RULES"])
    return installed_rules() or DEFAULT_RULES_DIR


def load_schema(rules: Path, kind: str) -> dict:
    path = rules / "schemas" / f"{kind}.schema.json"
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        where = f"schemas/{path.name}"
        raise InvalidData([Problem(where, f"schéma mal formé (ligne {exc.lineno}, colonne {exc.colno}) : "
                                          "les règles ne peuvent pas être vérifiées")], str(rules)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidData([Problem(f"schemas/{path.name}", f"schéma illisible ({exc.__class__.__name__}) : "
                                   "les règles ne peuvent pas être vérifiées")], str(rules)) from None
    if not isinstance(schema, dict):
        raise InvalidData([Problem(f"schemas/{path.name}", "schéma mal formé (il faut un objet JSON)")], str(rules))
    return schema


# libyaml's parser when PyYAML has it (the wheels do): the catalogue reads 5× faster.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# A rule file holds a few hundred values; YAML aliases (*a) can make ten lines hold a billion,
# which validating would take hours to write out.
MAX_VALUES = 100_000


class _Cycle(Exception):
    pass


def _alias_problem(data) -> str:
    """'' for a tree of reasonable size, else why not, in French."""
    sizes: dict[int, int] = {}
    visiting: set[int] = set()

    def size(node) -> int:
        if not isinstance(node, (dict, list)):
            return 1
        if id(node) in sizes:
            return sizes[id(node)]
        if id(node) in visiting:
            raise _Cycle
        visiting.add(id(node))
        total = 1
        for child in (list(node.keys()) + list(node.values())) if isinstance(node, dict) else node:
            total += size(child)
            if total > MAX_VALUES:
                break
        visiting.discard(id(node))
        sizes[id(node)] = total
        return total
    try:
        if size(data) > MAX_VALUES:
            return (f"plus de {MAX_VALUES:,} valeurs une fois les alias YAML (*) remplacés : "
                    "un fichier de règles en a quelques centaines").replace(",", " ")
    except _Cycle:
        return "un alias YAML (*) se contient lui-même : la structure est sans fin"
    except RecursionError:
        return "structure trop imbriquée"
    return ""


def _read_yaml(path: Path, problems: list[Problem]):
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
        if data is None:  # empty, or comments only: an aid or a list that silently vanished
            problems.append(Problem(path.name, "fichier vide (ou seulement des commentaires)"))
        elif why := _alias_problem(data):
            problems.append(Problem(path.name, why))
            return None
        return data
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (ligne {mark.line + 1}, colonne {mark.column + 1})" if mark else ""
        problems.append(Problem(path.name, f"YAML mal formé{where}"))
    except UnicodeDecodeError:
        problems.append(Problem(path.name, "fichier illisible : ce n'est pas du texte UTF-8"))
    except OSError as exc:
        problems.append(Problem(path.name, f"fichier illisible ({exc.__class__.__name__})"))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:  # PyYAML building a value it has parsed
        if "integer string conversion" in str(exc):  # Python refuses integers of more than 4 300 digits
            problems.append(Problem(path.name, "un nombre a des milliers de chiffres : ce n'est pas une valeur permise"))
        else:
            problems.append(Problem(path.name, "une valeur ne peut pas être lue : une date qui n'existe pas (comme "
                                               "2026-02-30) ou une étiquette !!int, !!float, !!bool, !!timestamp… "
                                               "sur une valeur qui n'en est pas une ; mettez-la entre guillemets"))
    return None


def _checked(path: Path, data, schema: dict, problems: list[Problem]) -> bool:
    try:
        found = schema_problems(data, schema)
    except RecursionError:  # YAML aliases that contain themselves (&a [*a]) where the schema recurses
        found = [Problem("", "structure trop imbriquée ou qui se contient elle-même (ancre YAML & et alias *)")]
    problems.extend(Problem(f"{path.name} › {p.field}" if p.field else path.name, p.message) for p in found)
    return not found


def _condition(data: dict) -> Condition:
    if "any" in data:
        return Condition("", "any", None, data["fail"], any=tuple(_condition(c) for c in data["any"]))
    # A test inside a group has no reason of its own: the group's says what is missing.
    return Condition(data["fact"], data["op"], data["value"], data.get("fail", ""), tuple(data.get("aids", ())))


def _aid(data: dict) -> Aid:
    comp = data["computation"]
    if "openfisca" in comp:
        computation = OpenfiscaComputation(**comp["openfisca"])
    else:
        computation = ConditionsComputation(
            conditions=tuple(_condition(c) for c in comp["conditions"]),
            to_confirm=tuple(comp.get("to_confirm", ())),
            amount=comp.get("amount"),
            amount_note=comp.get("amount_note", ""),
        )
    return Aid(
        id=data["id"],
        label=data["label"],
        short_label=data.get("short_label", ""),
        description=data["description"],
        institution=data["institution"],
        category=data["category"],
        kind=data["kind"],
        life_events=tuple(data["life_events"]),
        periodicity=data["periodicity"],
        scope=data.get("scope", "national"),
        computation=computation,
        criteria=tuple(Criterion(**c) for c in data.get("criteria", ())),
        eligible_reason=data.get("eligible_reason", ""),
        how_to_apply=dict(data["how_to_apply"]),
        documents=tuple(data["documents"]),
        legal_source=dict(data["legal_source"]),
        last_verified=str(data["last_verified"]),
        raw=data,
    )


def _normalise_dates(data):
    """YAML reads 2026-11-28 as a date; the schema and JSON export want text."""
    if isinstance(data, dict) and "last_verified" in data:
        data["last_verified"] = str(data["last_verified"])
    return data


def load_catalogue(rules: Path | None = None) -> Catalogue:
    """Load every rule file; raise InvalidData listing every problem found."""
    rules = Path(rules) if rules else rules_dir()
    problems: list[Problem] = []
    if not (rules / "aids").is_dir():
        raise InvalidData([Problem(str(rules), "dossier des règles introuvable (il faut rules/aids)")])

    aid_schema, event_schema = load_schema(rules, "aid"), load_schema(rules, "life_event")
    aids, events = [], []
    for path in sorted((rules / "aids").glob("*.yaml")):
        data = _normalise_dates(_read_yaml(path, problems))
        if data is not None and _checked(path, data, aid_schema, problems):
            if data["id"] != path.stem:
                problems.append(Problem(f"{path.name} › id", f"« {data['id']} » doit être égal au nom du fichier ({path.stem})"))
            aids.append(_aid(data))
    for path in sorted((rules / "life_events").glob("*.yaml")):
        data = _read_yaml(path, problems)
        if data is not None and _checked(path, data, event_schema, problems):
            if data["id"] != path.stem:
                problems.append(Problem(f"{path.name} › id", f"« {data['id']} » doit être égal au nom du fichier ({path.stem})"))
            events.append(LifeEvent(
                id=data["id"], label=data["label"], description=data["description"],
                questions=tuple(data["questions"]), changes=tuple(data["changes"]), order=data.get("order", 0),
            ))
    questions: list[Question] = []
    qpath = rules / "questions.yaml"
    qdata = _read_yaml(qpath, problems) if qpath.exists() else {"questions": []}
    if qdata is not None and _checked(qpath, qdata, load_schema(rules, "questions"), problems):
        questions = [Question(**q) for q in qdata["questions"]]

    alternatives: list[Alternative] = []
    apath = rules / "alternatives.yaml"
    adata = _read_yaml(apath, problems) if apath.exists() else {"alternatives": []}
    if adata is not None and _checked(apath, adata, load_schema(rules, "alternatives"), problems):
        alternatives = [Alternative(a["id"], tuple(tuple(o) for o in a["options"]), a["reason"], dict(a["legal_source"]))
                        for a in adata["alternatives"]]

    problems.extend(_cross_reference_problems(aids, events, questions))
    problems.extend(_alternative_problems(alternatives, {a.id for a in aids}))
    if problems:
        raise InvalidData(problems, str(rules))
    events.sort(key=lambda e: (e.order, e.id))
    return Catalogue(tuple(aids), tuple(events), tuple(questions), tuple(alternatives), rules_version(rules))


def _alternative_problems(alternatives: list[Alternative], aid_ids: set[str]) -> list[Problem]:
    problems = []
    for i, group in enumerate(alternatives):
        for aid in group.aids:
            if aid not in aid_ids:
                problems.append(Problem(f"alternatives.yaml › alternatives[{i}].options", f"aide « {aid} » inconnue"))
        if len(set(group.aids)) != len(group.aids):
            problems.append(Problem(f"alternatives.yaml › alternatives[{i}].options", "une aide figure dans deux options"))
    return problems


def _cross_reference_problems(aids: list[Aid], events: list[LifeEvent], questions: list[Question]) -> list[Problem]:
    problems = []
    event_ids = {e.id for e in events}
    aid_ids = {a.id for a in aids}
    question_ids = {q.id for q in questions}
    for aid in aids:
        for i, event in enumerate(aid.life_events):
            if event not in event_ids:
                problems.append(Problem(f"{aid.id}.yaml › life_events[{i}]", f"événement de vie « {event} » inconnu (voir rules/life_events)"))
        if aid.conditions:
            for i, cond in enumerate(aid.conditions.conditions):
                for other in cond.aids:
                    if other not in aid_ids:
                        problems.append(Problem(f"{aid.id}.yaml › computation.conditions[{i}].aids", f"aide « {other} » inconnue"))
    for event in events:
        for i, qid in enumerate(event.questions):
            if qid not in question_ids:
                problems.append(Problem(f"{event.id}.yaml › questions[{i}]", f"question « {qid} » inconnue (voir questions.yaml)"))
    return problems


@lru_cache(maxsize=4)
def _cached(rules: str) -> Catalogue:
    return load_catalogue(Path(rules))


def default_catalogue() -> Catalogue:
    """The catalogue of rules_dir(), read once per process."""
    return _cached(str(rules_dir()))
