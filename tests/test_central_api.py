"""The central endpoint's rules of the door, its figures, dashboard and OpenAPI
description, against a real server on 127.0.0.1, on SQLite and on PostgreSQL."""
import sqlite3

import httpx
import pytest
from jsonschema import Draft202012Validator

from aidant_desk.central.openapi import ADMIN_FIGURES_SCHEMA
from aidant_desk.central.storage import CentralStore, CentralStoreError, hash_token
from aidant_desk.sync import PAYLOAD_SCHEMA
from tests.central_fixtures import catalogue_export, central, central_store, postgres_dsn  # noqa: F401 (fixtures)

MAX = 64 * 1024
ZERO = {"simulations": 0, "simulations_with_aid": 0, "simulations_with_new_rights": 0,
        "handouts": 0, "appointments_desk": 0, "appointments_partner": 0}


def batch(key_digit: str, week: str = "2026-W48", aids=None, life_events=None, **totals) -> dict:
    return {"schema_version": 1, "idempotency_key": key_digit * 64, "week": week,
            "totals": {**ZERO, **totals}, "aids": aids or {}, "life_events": life_events or {}}


@pytest.fixture
def client(central):
    with httpx.Client(base_url=central.url, trust_env=False, timeout=5) as http:
        yield http


def post(client, token, payload=None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    headers.update(kwargs.pop("headers", {}))
    if payload is not None:
        kwargs["json"] = payload
    return client.post("/api/v1/batches", headers=headers, **kwargs)


def nothing_stored(store):
    return store.headline() == [] and store.breakdown("aids") == []


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer jeton-inconnu"},
    {"Authorization": "Basic dXNlcjpwYXNz"},
])
def test_no_or_bad_token_is_401_and_nothing_is_written(central, client, headers):
    token = central.enrol()
    answer = client.post("/api/v1/batches", json=batch("a", simulations=3), headers=headers)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.json() == {"detail": "Jeton d'appareil absent ou invalide."}
    assert nothing_stored(central.store)
    assert post(client, token, batch("a", simulations=3)).status_code == 201  # the key was not taken


@pytest.mark.parametrize("body", [
    b"",
    b"pas du json",
    b'{"schema_version": 1, ',
    b"[1, 2, 3]",
    b"\xff\xfe\x00",
    b"[" * 60000,  # deep enough to break the JSON parser's recursion
])
def test_a_malformed_body_is_422_and_nothing_is_written(central, client, body):
    answer = post(client, central.enrol(), content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 422
    assert "rien n'a été enregistré" in answer.json()["detail"]
    assert nothing_stored(central.store)


def test_a_schema_violation_names_the_field_in_french(central, client):
    payload = batch("a", simulations=3, aids={"aah": 4})
    payload["nom"] = "Dupont"
    answer = post(client, central.enrol(), payload)
    assert answer.status_code == 422
    assert answer.json()["problems"] == [
        "aids.aah : au moins 11 (les petites cases ne quittent jamais le poste)",
        "lot : champ(s) non permis (nom) : le lot ne contient que des comptes",
    ]


def test_an_oversize_body_is_413_by_its_declared_length(central, client):
    answer = post(client, central.enrol(), content=b" " * (MAX + 1), headers={"Content-Type": "application/json"})
    assert answer.status_code == 413
    assert answer.json()["detail"] == f"Lot trop gros : au plus {MAX} octets."
    assert nothing_stored(central.store)


def test_an_oversize_body_is_413_when_streamed_without_length(central, client):
    chunks = iter([b" " * 40000, b" " * 40000])  # chunked: no Content-Length to trust
    answer = post(client, central.enrol(), content=chunks, headers={"Content-Type": "application/json"})
    assert answer.status_code == 413
    assert nothing_stored(central.store)


def test_a_key_already_seen_is_stored_once_and_acknowledged_again(central, client):
    token = central.enrol()
    payload = batch("b", simulations=14, simulations_with_aid=12, aids={"rsa": 12})
    first, again = post(client, token, payload), post(client, token, payload)
    assert (first.status_code, first.json()) == (201, {"status": "stored", "idempotency_key": "b" * 64})
    assert (again.status_code, again.json()) == (200, {"status": "duplicate", "idempotency_key": "b" * 64})
    figures = client.get("/api/v1/figures").json()
    assert figures["totals"]["simulations"] == 14
    assert figures["by_aid"] == [{"aid": "rsa", "simulations": 12}]


def test_keys_belong_to_their_site(central, client):
    """The same key from another site is another batch: no site can block another's counts."""
    first, second = central.enrol("Site A", "13"), central.enrol("Site B", "13")
    assert post(client, first, batch("c", simulations=2)).status_code == 201
    assert post(client, second, batch("c", simulations=5)).status_code == 201
    assert client.get("/api/v1/figures").json()["totals"]["simulations"] == 7


def _two_sites_two_weeks(central, client):
    """Marseille (13): W48 10 simulations, 8 with an aid, rsa 11, naissance 11;
    W49 6 simulations, 1 desk appointment, rsa 12.
    Ajaccio (2A): W48 3 simulations, 3 with an aid, 2 new rights, 2 partner
    appointments, 1 handout, aah 15. Aix (13): enrolled, nothing sent."""
    marseille = central.enrol("France Services Marseille 3e", "13")
    ajaccio = central.enrol("France Services Ajaccio", "2A")
    central.enrol("France Services Aix", "13")
    for token, payload in (
        (marseille, batch("1", simulations=10, simulations_with_aid=8, aids={"rsa": 11}, life_events={"naissance": 11})),
        (marseille, batch("2", week="2026-W49", simulations=6, appointments_desk=1, aids={"rsa": 12})),
        (ajaccio, batch("3", simulations=3, simulations_with_aid=3, simulations_with_new_rights=2,
                        appointments_partner=2, handouts=1, aids={"aah": 15})),
    ):
        assert post(client, token, payload).status_code == 201


def figures_row(**values):
    row = {**ZERO, **values}
    row["appointments"] = row["appointments_desk"] + row["appointments_partner"]
    return row


def test_figures_by_week_site_departement_aid_and_life_event(central, client):
    _two_sites_two_weeks(central, client)
    figures = client.get("/api/v1/figures").json()
    assert figures["suppression_threshold"] == 11
    assert figures["totals"] == figures_row(simulations=19, simulations_with_aid=11, simulations_with_new_rights=2,
                                            handouts=1, appointments_desk=1, appointments_partner=2)
    assert figures["by_week"] == [
        {"week": "2026-W48", **figures_row(simulations=13, simulations_with_aid=11, simulations_with_new_rights=2,
                                           handouts=1, appointments_partner=2)},
        {"week": "2026-W49", **figures_row(simulations=6, appointments_desk=1)},
    ]
    assert figures["by_departement"] == [
        {"departement": "13", "sites": 2, **figures_row(simulations=16, simulations_with_aid=8, appointments_desk=1)},
        {"departement": "2A", "sites": 1, **figures_row(simulations=3, simulations_with_aid=3,
                                                        simulations_with_new_rights=2, handouts=1,
                                                        appointments_partner=2)},
    ]
    assert "by_site" not in figures  # each site's figures: administrators only
    password = central.store.add_admin("Coordination nationale")
    per_site = client.get("/api/v1/admin/figures", auth=("Coordination nationale", password)).json()
    assert [(row["name"], row["departement"], row["simulations"]) for row in per_site["by_site"]] == [
        ("France Services Marseille 3e", "13", 16), ("France Services Ajaccio", "2A", 3),
        ("France Services Aix", "13", 0)]
    assert {k: v for k, v in per_site.items() if k != "by_site"} == figures
    Draft202012Validator(ADMIN_FIGURES_SCHEMA).validate(per_site)
    assert figures["by_aid"] == [{"aid": "rsa", "simulations": 23}, {"aid": "aah", "simulations": 15}]
    assert figures["by_life_event"] == [{"life_event": "naissance", "simulations": 11}]


def test_the_figures_match_their_openapi_schema(central, client):
    _two_sites_two_weeks(central, client)
    document = client.get("/openapi.json").json()
    Draft202012Validator(document["components"]["schemas"]["Figures"]).validate(
        client.get("/api/v1/figures").json())


def test_small_cells_are_suppressed_again_before_showing(central, client):
    """A cell under 11 that got into the database by another way than the door
    (an old import, a manual fix) is still never shown."""
    site, _ = central.store.add_site("Site importé", "13")
    central.store.ingest(site.id, batch("d", simulations=9, aids={"aah": 4, "rsa": 11}, life_events={"naissance": 3}))
    figures = client.get("/api/v1/figures").json()
    assert figures["by_aid"] == [{"aid": "rsa", "simulations": 11}, {"aid": "aah", "simulations": None}]
    assert figures["by_life_event"] == [{"life_event": "naissance", "simulations": None}]
    html = client.get("/").text
    assert '<tr><td>aah</td><td class="n">&lt;\u00a011</td></tr>' in html
    assert '<tr><td>rsa</td><td class="n">11</td></tr>' in html


def test_the_dashboard_is_french_html_without_script(central, client):
    _two_sites_two_weeks(central, client)
    answer = client.get("/")
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    html = answer.text
    assert '<html lang="fr">' in html and "<script" not in html
    assert "<strong>19</strong>simulations réalisées" in html
    assert "<strong>11</strong>simulations avec au moins une aide trouvée" in html
    assert "<strong>3</strong>rendez-vous pris à la fin d'une simulation" in html
    assert "<td>semaine 49 de 2026</td>" in html
    assert "France Services Ajaccio" not in html and "qu'aux administrateurs" in html
    password = central.store.add_admin("Coordination nationale")
    admin = client.get("/admin", auth=("Coordination nationale", password)).text
    assert "<td>France Services Ajaccio</td><td>2A</td>" in admin


def test_the_dashboard_escapes_site_names(central, client):
    central.enrol("<script>alert('x')</script>", "13")
    html = client.get("/admin", auth=("admin", central.store.add_admin("admin"))).text
    assert "<script>" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_numbers_get_french_thousands_separators(central, client):
    post(client, central.enrol(), batch("e", simulations=4321))
    assert "<strong>4\u00a0321</strong>simulations réalisées" in client.get("/").text


def test_the_openapi_description(central, client):
    document = client.get("/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {"/api/v1/batches", "/api/v1/figures", "/"}
    post_batches = document["paths"]["/api/v1/batches"]["post"]
    assert set(post_batches["responses"]) == {"200", "201", "401", "413", "422", "429"}
    assert post_batches["security"] == [{"deviceToken": []}]
    assert document["components"]["schemas"]["ActivityBatch"] == PAYLOAD_SCHEMA
    answer = post(client, central.enrol(), batch("f", simulations=1)).json()
    Draft202012Validator(document["components"]["schemas"]["Acknowledgement"]).validate(answer)


def test_tokens_are_stored_hashed(central):
    token = central.enrol()
    if central.store.postgres:
        import psycopg
        with psycopg.connect(central.store.target) as conn:
            rows = conn.execute("SELECT * FROM sites").fetchall()
    else:
        rows = sqlite3.connect(central.store.target).execute("SELECT * FROM sites").fetchall()
    assert token not in repr(rows)
    assert hash_token(token) in repr(rows)


@pytest.mark.parametrize("code", ["13", "01", "2A", "2b", "974"])
def test_departement_codes_accepted(central_store, code):
    site, token = central_store.add_site("Site", code)
    assert site.departement == code.upper() and len(token) >= 40


@pytest.mark.parametrize("code", ["00", "96", "2C", "975x", "Bouches-du-Rhône", ""])
def test_departement_codes_refused(central_store, code):
    with pytest.raises(ValueError, match="Département"):
        central_store.add_site("Site", code)


def test_a_newer_central_schema_is_refused(tmp_path):
    path = tmp_path / "central.db"
    CentralStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE schema_version SET version = 2")
    conn.commit()
    conn.close()
    with pytest.raises(CentralStoreError, match="plus récent"):
        CentralStore(path)


@pytest.mark.parametrize("payload,said", [
    (batch("f", simulations=11, aids={"jeanne_dupont_1961_rsa": 11}), "aids : clé(s) inconnue(s) du catalogue"),
    (batch("f", simulations=11, life_events={"divorce_dupont": 11}), "life_events : clé(s) inconnue(s)"),
    (batch("f", simulations=1_000_000), "dépasse le plafond d'un poste pour une semaine (5000)"),
    (batch("f", simulations=3, simulations_with_aid=5), "totals.simulations_with_aid : 5 dépasse totals.simulations"),
    (batch("f", simulations=5, simulations_with_aid=2, simulations_with_new_rights=3),
     "totals.simulations_with_new_rights : 3 dépasse totals.simulations_with_aid"),
    (batch("f", week="0000-W53", simulations=1), "la semaine 0000-W53 n'existe pas"),
    (batch("f", week="2027-W53", simulations=1), "la semaine 2027-W53 n'existe pas"),
    (batch("f", week="2099-W52", simulations=1), "la semaine 2099-W52 n'a pas encore commencé"),
], ids=["aide inconnue", "événement inconnu", "un million", "aides > simulations", "nouveaux > aides",
        "semaine 0", "2027-W53", "2099"])
def test_an_implausible_batch_is_422_names_why_and_nothing_is_written(central, client, payload, said):
    token = central.enrol()
    answer = post(client, token, payload)
    assert answer.status_code == 422
    assert answer.json()["detail"] == "Le lot n'est pas vraisemblable ; rien n'a été enregistré."
    assert any(said in problem for problem in answer.json()["problems"]), answer.json()["problems"]
    assert nothing_stored(central.store)
    assert "jeanne_dupont" not in client.get("/").text
    assert post(client, token, batch("f", simulations=3, aids={"rsa": 11})).status_code == 201  # key not taken


def test_the_ceiling_and_the_catalogues_ids_are_accepted(central, client):
    token = central.enrol()
    answer = post(client, token, batch("c", week="2024-W01", simulations=5000, simulations_with_aid=5000,
                                       simulations_with_new_rights=5000, aids={"ppa": 5000},
                                       life_events={"naissance": 11}))
    assert answer.status_code == 201, answer.json()


@pytest.mark.parametrize("auth", [None, ("Coordination nationale", "mauvais-mot-de-passe"), ("Inconnu", "x")])
def test_the_per_site_view_needs_an_administrator(central, client, auth):
    central.enrol("France Services Ajaccio", "2A")
    central.store.add_admin("Coordination nationale")
    for path in ("/admin", "/api/v1/admin/figures"):
        answer = client.get(path, auth=auth) if auth else client.get(path)
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"].startswith("Basic")
        assert "Ajaccio" not in answer.text and "administrateur" in answer.json()["detail"]


def test_an_administrators_password_is_stored_as_a_salted_hash_and_can_be_replaced(central, client):
    first = central.store.add_admin("Coordination nationale")
    second = central.store.add_admin("Coordination nationale")  # a new password: the old one stops
    stored = central.store._query("SELECT name, password_hash FROM admins")
    assert [name for name, _ in stored] == ["Coordination nationale"]
    assert first not in stored[0][1] and second not in stored[0][1] and stored[0][1].startswith("scrypt$")
    assert client.get("/admin", auth=("Coordination nationale", first)).status_code == 401
    assert client.get("/admin", auth=("Coordination nationale", second)).status_code == 200


def test_the_admin_command_prints_a_password_once(tmp_path, capsys):
    from aidant_desk.central.cli import main
    from aidant_desk.central.storage import CentralStore

    database = str(tmp_path / "central.db")
    assert main(["admin", "add", "Coordination nationale", "--database", database]) == 0
    password = capsys.readouterr().out.strip().splitlines()[-1]
    store = CentralStore(database)
    try:
        assert store.admin_allowed("Coordination nationale", password)
        assert not store.admin_allowed("Coordination nationale", password + "x")
    finally:
        store.close()
    assert main(["admin", "add", "  ", "--database", database]) == 2
    assert "nom de l'administrateur" in capsys.readouterr().err
