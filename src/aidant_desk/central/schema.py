"""The payload schema shared with the desks (read as a file, not imported) and the
reasons a payload is refused, in French."""
from __future__ import annotations

import json
import re
from pathlib import Path

from jsonschema import Draft202012Validator

# A file shared with the desk, read rather than imported: nothing else of the desk comes in.
PAYLOAD_SCHEMA_PATH = Path(__file__).resolve().parents[1] / "sync" / "payload.schema.json"
PAYLOAD_SCHEMA: dict = json.loads(PAYLOAD_SCHEMA_PATH.read_text(encoding="utf-8"))
HEADLINE: tuple[str, ...] = tuple(PAYLOAD_SCHEMA["properties"]["totals"]["required"])
BREAKDOWNS: tuple[str, ...] = ("aids", "life_events")
_VALIDATOR = Draft202012Validator(PAYLOAD_SCHEMA)


def payload_problems(payload: object) -> list[str]:
    """Every reason the payload is refused, 'field : reason', in French; empty if none."""
    problems = []
    for error in _VALIDATOR.iter_errors(payload):
        where = ".".join(str(part) for part in error.absolute_path) or "lot"
        problems.append(f"{where} : {_reason(error)}")
    return sorted(set(problems))


def _reason(error) -> str:
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "additionalProperties":
        known, patterns = error.schema.get("properties", {}), error.schema.get("patternProperties", {})
        extra = sorted(k for k in value if k not in known and not any(re.search(p, k) for p in patterns))
        return f"champ(s) non permis ({', '.join(extra)}) : le lot ne contient que des comptes"
    if kind == "required":
        return "champ obligatoire manquant"
    if kind == "type":
        return f"type attendu : {expected}"
    if kind == "minimum":
        return f"au moins {expected} (les petites cases ne quittent jamais le poste)"
    if kind == "maximum":
        return f"au plus {expected}"
    if kind == "maxProperties":
        return f"au plus {expected} cases"
    if kind == "pattern":
        return "format invalide"
    if kind == "const":
        return f"doit valoir {expected}"
    return "valeur invalide"
