"""Counting on the desk, small-cell suppression with carry-over, and the outbox batches.

Expected values are counted by hand from the recorded events written in each test.
"""
import hashlib
import hmac
import json
from datetime import date, datetime, timezone

import pytest

from aidant_desk.store import get_setting, open_database
from aidant_desk.sync import iso_week, record_appointment, record_handout, record_simulation
from aidant_desk.sync import outbox
from aidant_desk.sync.outbox import acknowledge, cut_batches, pending_batches
from aidant_desk.sync.suppression import release_cells

W48 = datetime(2026, 11, 25, 10, 30)   # Wednesday of ISO week 48 of 2026
W49 = datetime(2026, 12, 2, 9, 0)
W50 = datetime(2026, 12, 9, 16, 0)
NOW = datetime(2026, 12, 10, 8, 0, tzinfo=timezone.utc)
NO_TOTALS = {"simulations": 0, "simulations_with_aid": 0, "simulations_with_new_rights": 0,
             "handouts": 0, "appointments_desk": 0, "appointments_partner": 0}


@pytest.fixture
def db(tmp_path):
    opened = open_database(tmp_path / "desk.db")
    yield opened.db
    opened.db.close()


def counts(db):
    rows = db.execute("SELECT week, metric, key, recorded FROM activity_counts ORDER BY week, metric, key")
    return {(week, metric, key): n for week, metric, key, n in rows}


def bodies(db):
    return [json.loads(batch.body) for batch in pending_batches(db)]


@pytest.mark.parametrize("day, week", [
    (date(2026, 11, 23), "2026-W48"),   # Monday
    (date(2026, 11, 29), "2026-W48"),   # Sunday
    (date(2026, 11, 30), "2026-W49"),
    (date(2026, 12, 31), "2026-W53"),   # 2026 starts on a Thursday: 53 weeks
    (date(2027, 1, 1), "2026-W53"),
    (date(2024, 12, 30), "2025-W01"),
])
def test_iso_week(day, week):
    assert iso_week(day) == week


def test_counters_per_week(db):
    record_simulation(db, eligible_aids=["rsa", "prime_activite"], new_rights=True, life_events=["naissance"], at=W48)
    record_simulation(db, eligible_aids=[], new_rights=False, life_events=["perte_emploi"], at=W48)
    record_simulation(db, eligible_aids=["rsa", "rsa"], new_rights=False, life_events=["naissance", "separation"],
                      at=W48)
    record_handout(db, W48)
    record_handout(db, W48)
    record_appointment(db, "desk", W48)
    record_appointment(db, "partner", W49)
    assert counts(db) == {
        ("2026-W48", "simulations", ""): 3,
        ("2026-W48", "simulations_with_aid", ""): 2,
        ("2026-W48", "simulations_with_new_rights", ""): 1,
        ("2026-W48", "handouts", ""): 2,
        ("2026-W48", "appointments_desk", ""): 1,
        ("2026-W48", "aids", "rsa"): 2,
        ("2026-W48", "aids", "prime_activite"): 1,
        ("2026-W48", "life_events", "naissance"): 2,
        ("2026-W48", "life_events", "perte_emploi"): 1,
        ("2026-W48", "life_events", "separation"): 1,
        ("2026-W49", "appointments_partner", ""): 1,
    }


@pytest.mark.parametrize("call, message", [
    (lambda db: record_simulation(db, eligible_aids=["Jean Dupont"], new_rights=False, life_events=[], at=W48),
     "Identifiant d'aide invalide"),
    (lambda db: record_simulation(db, eligible_aids=["rsa"], new_rights=False, life_events=["né le 3/4"], at=W48),
     "Identifiant d'événement de vie invalide"),
    (lambda db: record_simulation(db, eligible_aids=[], new_rights=True, life_events=[], at=W48),
     "Un droit nouveau suppose au moins une aide"),
    (lambda db: record_appointment(db, "telephone", W48), "Type de rendez-vous « telephone » inconnu"),
])
def test_anything_but_catalogue_identifiers_is_refused_and_nothing_counted(db, call, message):
    with pytest.raises(ValueError, match=message):
        call(db)
    assert counts(db) == {}


def test_release_cells_carries_small_cells_over():
    released, pending = release_cells({"rsa": 5, "aah": 3}, {"rsa": 6, "css": 2})
    assert released == {"rsa": 11}
    assert pending == {"aah": 3, "css": 2}
    assert release_cells({}, {"rsa": 10}) == ({}, {"rsa": 10})


def _record_w48(db):
    """12 simulations with rsa, 5 of them also prime_activite, 3 with new rights,
    11 starting from naissance and 1 from demenagement."""
    for i in range(12):
        aids = ["rsa", "prime_activite"] if i < 5 else ["rsa"]
        events = ["naissance"] if i < 11 else ["demenagement"]
        record_simulation(db, eligible_aids=aids, new_rights=i < 3, life_events=events, at=W48)


def _record_later(db, at, n):
    for _ in range(n):
        record_simulation(db, eligible_aids=["rsa", "prime_activite"], new_rights=False, life_events=[], at=at)


def _three_weeks(db):
    """W48 as above; W49: 4 simulations with rsa and prime_activite; W50: 2 the same."""
    _record_w48(db)
    _record_later(db, W49, 4)
    _record_later(db, W50, 2)


def _expected_three_weeks():
    # rsa: 12 released in W48; 4 (W49) + 2 (W50) = 6 still waiting.
    # prime_activite: 5 + 4 = 9 waiting, + 2 = 11 released in W50.
    # naissance 11 released in W48; demenagement 1 waiting.
    return [
        ("2026-W48", {**NO_TOTALS, "simulations": 12, "simulations_with_aid": 12, "simulations_with_new_rights": 3},
         {"rsa": 12}, {"naissance": 11}),
        ("2026-W49", {**NO_TOTALS, "simulations": 4, "simulations_with_aid": 4}, {}, {}),
        ("2026-W50", {**NO_TOTALS, "simulations": 2, "simulations_with_aid": 2}, {"prime_activite": 11}, {}),
    ]


def _summary(payloads):
    return [(p["week"], p["totals"], p["aids"], p["life_events"]) for p in payloads]


def _waiting_cells(db):
    rows = db.execute("SELECT metric, key, pending FROM suppressed_cells ORDER BY metric, key").fetchall()
    return {(metric, key): n for metric, key, n in rows}


def test_one_batch_per_week_with_suppression_and_carry_over(db):
    _three_weeks(db)
    assert cut_batches(db, NOW) == 3
    assert _summary(bodies(db)) == _expected_three_weeks()
    assert _waiting_cells(db) == {("aids", "rsa"): 6, ("life_events", "demenagement"): 1}


def test_cutting_week_by_week_gives_the_same_batches(db):
    """Syncing every week or once after three weeks offline sends the same counts."""
    sent = []
    for record in (_record_w48, lambda db: _record_later(db, W49, 4), lambda db: _record_later(db, W50, 2)):
        record(db)
        cut_batches(db, NOW)
        sent += bodies(db)
        for batch in pending_batches(db):
            acknowledge(db, batch.sequence)
    assert _summary(sent) == _expected_three_weeks()


def test_a_cell_reaching_the_threshold_within_the_week_is_sent_whole(db):
    for _ in range(5):
        record_simulation(db, eligible_aids=["aah"], new_rights=False, life_events=[], at=W48)
    cut_batches(db, NOW)
    for _ in range(6):
        record_simulation(db, eligible_aids=["aah"], new_rights=False, life_events=[], at=W48)
    cut_batches(db, NOW)
    first, second = bodies(db)
    assert (first["totals"]["simulations"], first["aids"]) == (5, {})
    assert (second["totals"]["simulations"], second["aids"]) == (6, {"aah": 11})


def test_nothing_new_makes_no_batch(db):
    assert cut_batches(db, NOW) == 0
    record_handout(db, W48)
    assert cut_batches(db, NOW) == 1
    assert cut_batches(db, NOW) == 0
    assert [b["totals"]["handouts"] for b in bodies(db)] == [1]


def test_idempotency_key_is_an_hmac_of_the_sequence_by_a_secret_never_sent(db):
    record_handout(db, W48)
    record_handout(db, W49)
    cut_batches(db, NOW)
    secret = bytes.fromhex(get_setting(db, "sync.install_secret"))
    assert len(secret) == 32
    batches = pending_batches(db)
    assert [b.sequence for b in batches] == [1, 2]
    for batch in batches:
        expected = hmac.new(secret, f"batch:{batch.sequence}".encode(), hashlib.sha256).hexdigest()
        assert batch.idempotency_key == expected == json.loads(batch.body)["idempotency_key"]
        assert secret.hex() not in batch.body


def test_sequence_numbers_are_never_reused_once_the_outbox_is_empty(db):
    record_handout(db, W48)
    cut_batches(db, NOW)
    [first] = pending_batches(db)
    acknowledge(db, first.sequence)
    record_handout(db, W48)
    cut_batches(db, NOW)
    [second] = pending_batches(db)
    assert second.sequence == 2 and second.idempotency_key != first.idempotency_key


def test_two_installs_never_share_keys(tmp_path):
    keys = []
    for name in ("a.db", "b.db"):
        db = open_database(tmp_path / name).db
        record_handout(db, W48)
        cut_batches(db, NOW)
        keys.append(pending_batches(db)[0].idempotency_key)
    assert keys[0] != keys[1]


def test_a_crash_while_cutting_leaves_everything_as_it_was(db, monkeypatch):
    _three_weeks(db)
    real = outbox.build_payload
    made = []

    def crash_on_second_week(**fields):
        made.append(fields["week"])
        if len(made) == 2:
            raise RuntimeError("coupure de courant")
        return real(**fields)

    monkeypatch.setattr(outbox, "build_payload", crash_on_second_week)
    with pytest.raises(RuntimeError):
        cut_batches(db, NOW)
    assert pending_batches(db) == []
    assert db.execute("SELECT SUM(batched) FROM activity_counts").fetchone()[0] == 0
    assert _waiting_cells(db) == {}
    monkeypatch.setattr(outbox, "build_payload", real)
    assert cut_batches(db, NOW) == 3
    assert _summary(bodies(db)) == _expected_three_weeks()


def test_the_outbox_survives_a_restart(tmp_path):
    path = tmp_path / "desk.db"
    db = open_database(path).db
    record_simulation(db, eligible_aids=["rsa"], new_rights=True, life_events=["naissance"], at=W48)
    cut_batches(db, NOW)
    before = pending_batches(db)
    db.close()
    assert pending_batches(open_database(path).db) == before
