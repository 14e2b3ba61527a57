"""The sync payload holds counts and nothing else: the schema allows nothing more,
the desk's builder refuses anything more, and so does the server, writing nothing."""
import copy
import json

import httpx
import pytest

from aidant_desk.central.schema import PAYLOAD_SCHEMA as CENTRAL_SCHEMA
from aidant_desk.dossier import InvalidData
from aidant_desk.sync import PAYLOAD_SCHEMA, PAYLOAD_SCHEMA_PATH, build_payload
from tests.central_fixtures import catalogue_export, central, central_store, postgres_dsn  # noqa: F401 (fixtures)

KEY = "0123456789abcdef" * 4
FIELDS = ("idempotency_key", "week", "totals", "aids", "life_events")
VALID = {
    "schema_version": 1,
    "idempotency_key": KEY,
    "week": "2026-W48",
    "totals": {"simulations": 14, "simulations_with_aid": 12, "simulations_with_new_rights": 3,
               "handouts": 5, "appointments_desk": 2, "appointments_partner": 1},
    "aids": {"rsa": 12},
    "life_events": {"naissance": 11},
}


def changed(path, value):
    """VALID with the field at path (a tuple of keys) set to value."""
    payload = copy.deepcopy(VALID)
    target = payload
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return payload


SMUGGLED = {
    "a name": changed(("nom",), "Dupont"),
    "a dossier id": changed(("dossier_id",), "d-2026-0042"),
    "a date of birth": changed(("totals", "birth_date"), "1984-03-12"),
    "an amount": changed(("totals", "montant"), 523),
    "a commune": changed(("commune",), "13055"),
    "free text as an aid id": changed(("aids", "Mme Dupont, 12 rue de la Paix"), 12),
    "an upper-case aid id": changed(("aids", "Dupont"), 12),
    "free text in a life event": changed(("life_events", "naissance de Léo"), 11),
    "a small cell": changed(("aids", "aah"), 10),
    "a cell as text": changed(("aids", "rsa"), "12 dont Mme D."),
    "a cell as an object": changed(("aids", "rsa"), {"count": 12, "who": "Dupont"}),
    "a date instead of a week": changed(("week",), "2026-11-25"),
    "text instead of a week": changed(("week",), "2026-W48 Mme Dupont"),
    "a readable key": changed(("idempotency_key",), "dossier-dupont-0042"),
    "a negative count": changed(("totals", "simulations"), -1),
    "a fractional count": changed(("totals", "handouts"), 2.5),
    "a boolean count": changed(("totals", "handouts"), True),
    "another schema version": changed(("schema_version",), 2),
    "a missing total": {**VALID, "totals": {k: v for k, v in VALID["totals"].items() if k != "handouts"}},
}


def _object_schemas(schema):
    if isinstance(schema, dict):
        if schema.get("type") == "object":
            yield schema
        for value in schema.values():
            yield from _object_schemas(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _object_schemas(value)


def _string_schemas(schema):
    if isinstance(schema, dict):
        if schema.get("type") == "string":
            yield schema
        for value in schema.values():
            yield from _string_schemas(value)


def test_desk_and_server_read_the_same_schema_file():
    assert CENTRAL_SCHEMA == PAYLOAD_SCHEMA == json.loads(PAYLOAD_SCHEMA_PATH.read_text(encoding="utf-8"))


def test_every_object_in_the_schema_is_closed():
    objects = list(_object_schemas(PAYLOAD_SCHEMA))
    assert len(objects) == 4  # the payload, totals, aids, life_events
    assert all(o.get("additionalProperties") is False for o in objects)


def test_no_free_text_fits_in_the_schema():
    """Every string has a pattern (hex key, ISO week); map keys are catalogue identifiers."""
    strings = list(_string_schemas(PAYLOAD_SCHEMA))
    assert [s["pattern"] for s in strings] == ["^[0-9a-f]{64}$", "^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$"]
    for name in ("aids", "life_events"):
        assert list(PAYLOAD_SCHEMA["properties"][name]["patternProperties"]) == ["^[a-z0-9_]{1,64}$"]
        [cell] = PAYLOAD_SCHEMA["properties"][name]["patternProperties"].values()
        assert cell == {"type": "integer", "minimum": 11, "maximum": 1000000}


def test_the_builder_accepts_a_valid_payload():
    assert build_payload(**{k: VALID[k] for k in FIELDS}) == VALID


@pytest.mark.parametrize("case", sorted(set(SMUGGLED) - {"another schema version"}))  # the builder sets it
def test_the_builder_refuses_anything_else(case):
    payload = SMUGGLED[case]
    fields = {k: payload[k] for k in FIELDS if k in payload}
    extra = {k: v for k, v in payload.items() if k not in VALID}
    # A top-level extra cannot even be passed: the builder has no parameter for it.
    with pytest.raises(TypeError if extra else InvalidData):
        build_payload(**fields, **extra)


def _post(central, token, payload):
    with httpx.Client(base_url=central.url, trust_env=False, timeout=5) as client:
        return client.post("/api/v1/batches", json=payload, headers={"Authorization": f"Bearer {token}"})


def test_the_server_accepts_the_valid_payload(central):
    assert _post(central, central.enrol(), VALID).status_code == 201


def test_the_server_refuses_anything_else_and_writes_nothing(central):
    token = central.enrol()
    for case, payload in SMUGGLED.items():
        answer = _post(central, token, payload)
        assert answer.status_code == 422, case
        assert "rien n'a été enregistré" in answer.json()["detail"]
    assert central.store.headline() == []
    assert central.store.breakdown("aids") == [] and central.store.breakdown("life_events") == []
    # Nothing consumed the key either: the valid batch is still stored when it comes.
    assert _post(central, token, VALID).status_code == 201
