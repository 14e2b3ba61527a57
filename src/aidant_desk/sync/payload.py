"""The sync payload: one ISO week of anonymous counts, checked against the JSON
Schema shared with the central endpoint before it is ever stored for sending."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping

from ..validation import InvalidData, schema_problems

SCHEMA_PATH = Path(__file__).with_name("payload.schema.json")
SCHEMA: dict = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
SCHEMA_VERSION = SCHEMA["properties"]["schema_version"]["const"]
# One vocabulary for counters, the payload and the server: the schema's.
HEADLINE: tuple[str, ...] = tuple(SCHEMA["properties"]["totals"]["required"])
BREAKDOWNS: tuple[str, ...] = ("aids", "life_events")


def build_payload(*, idempotency_key: str, week: str, totals: Mapping[str, int],
                  aids: Mapping[str, int], life_events: Mapping[str, int]) -> dict:
    """The payload, or InvalidData naming every field that the schema does not allow."""
    payload = {
        "schema_version": SCHEMA_VERSION,
        "idempotency_key": idempotency_key,
        "week": week,
        "totals": dict(totals),
        "aids": dict(aids),
        "life_events": dict(life_events),
    }
    problems = schema_problems(payload, SCHEMA)
    if problems:
        raise InvalidData(problems, "lot de comptes")
    return payload


def encode(payload: dict) -> str:
    """Canonical JSON: the exact text stored in the outbox and sent on every try."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))
