"""Dossiers kept on the desk: named, encrypted at rest, found again, exported and
imported, deleted on request, purged when their retention ends. A fresh store per test."""
import json
import logging
import sqlite3
import stat
from datetime import date, datetime, timedelta, timezone

import keyring
import pytest
from keyring.backend import KeyringBackend

from aidant_desk.desk import Desk
from aidant_desk.desk.dossiers import Consent, add_months_to_date, snapshot
from aidant_desk.desk.recheck import recheck
from aidant_desk.dossier import Dossier, InvalidData
from aidant_desk.store import StoreError
from aidant_desk.formatting import euros
from aidant_desk.store.encryption import KEY_FILE

from .conftest import EXAMPLES

CONSENT = Consent(True, date(2026, 12, 2))
NAME = "Amandine Quesnel-Durand"


class Clock:
    """The desk's now, moved by the test."""

    def __init__(self, start: datetime):
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock():
    return Clock(datetime(2026, 12, 2, 10, 30, tzinfo=timezone.utc))


@pytest.fixture
def desk(tmp_path, clock, catalogue):
    with Desk(tmp_path / "desk.db", catalogue=catalogue, now=clock) as desk:
        yield desk


def person_dossier() -> Dossier:
    """The single parent of the examples, with first names typed in and amounts to the cent
    (a short figure could turn up by chance in the ciphertext's base64)."""
    data = json.loads((EXAMPLES / "parent_isole_deux_enfants.json").read_text(encoding="utf-8"))
    data["people"][0]["first_name"] = "Amandine"
    data["people"][1]["first_name"] = "Zéphyrin"
    data["housing"]["rent"] = 654.37
    data["resources"][0]["same_every_month"] = 1437.19
    data["fiscal_reference_income"] = 15123.45
    return Dossier.from_dict(data)


def test_a_dossier_is_kept_found_and_opened_again(desk, clock):
    first = desk.dossiers.save(NAME, person_dossier(), CONSENT)
    clock.moment += timedelta(days=1)
    second = desk.dossiers.save("Bernard Martin", Dossier.load(EXAMPLES / "retraite_petite_pension.json"), CONSENT)
    assert [d.name for d in desk.dossiers.list()] == ["Bernard Martin", NAME]  # last visit first
    assert [d.id for d in desk.dossiers.list("quesnel")] == [first]  # any part of the name, any case
    opened = desk.dossiers.open(first)
    assert opened.dossier == person_dossier()
    assert opened.consent == CONSENT and opened.summary.name == NAME
    assert desk.dossiers.open(second).dossier.applicant.birth_date.year == 1954


def test_saving_again_updates_the_same_dossier(desk, clock, engine):
    kept = desk.dossiers.save(NAME, person_dossier(), CONSENT)
    result = engine.simulate(person_dossier().with_month("2026-11"))
    clock.moment += timedelta(days=30)
    assert desk.dossiers.save(NAME, person_dossier(), CONSENT, result, "empreinte", dossier_id=kept) == kept
    [summary] = desk.dossiers.list()
    assert summary.aids_found == len(result.aids_found) and summary.openfisca_france_version == "176.1.8"
    assert summary.updated_at - summary.created_at == timedelta(days=30)
    assert summary.catalogue_fingerprint == "empreinte"


def test_a_name_and_the_persons_consent_are_required(desk):
    with pytest.raises(InvalidData) as refused:
        desk.dossiers.save("  ", person_dossier(), Consent(False))
    text = refused.value.describe()
    assert "donnez un nom au dossier" in text and "la personne doit accepter" in text
    assert desk.dossiers.list() == []


def test_the_raw_database_holds_no_personal_data(desk, tmp_path):
    desk.dossiers.save(NAME, person_dossier(), CONSENT)
    desk.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("desk.db"))
    dump = "\n".join(sqlite3.connect(tmp_path / "desk.db").iterdump())
    for secret in ("Amandine", "Quesnel", "Zéphyrin", "1988-02-20", "2014-06-03", "654.37", "1437.19", "15123.45"):
        assert secret.encode() not in raw and secret not in dump, secret


def test_the_key_file_is_the_users_alone_and_kept(desk, tmp_path):
    desk.dossiers.save(NAME, person_dossier(), CONSENT)
    key = tmp_path / KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    before = key.read_bytes()
    desk.close()
    with Desk(tmp_path / "desk.db") as again:  # another session reads with the same key
        assert again.dossiers.open(1).summary.name == NAME
    assert key.read_bytes() == before


def test_another_key_cannot_read_and_nothing_is_lost(desk, tmp_path):
    desk.dossiers.save(NAME, person_dossier(), CONSENT)
    desk.close()
    key = tmp_path / KEY_FILE
    saved = key.read_bytes()
    key.unlink()  # a new key is made: the old dossier is unreadable with it
    with Desk(tmp_path / "desk.db") as other:
        with pytest.raises(StoreError, match="ne peut pas être déchiffré.*Rien n'a été effacé"):
            other.dossiers.open(1)
    key.write_bytes(saved)
    with Desk(tmp_path / "desk.db") as again:
        assert again.dossiers.open(1).summary.name == NAME


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self, keeps: bool = True):
        super().__init__()
        self.keeps, self.store = keeps, {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        if self.keeps:
            self.store[(service, username)] = password

    def delete_password(self, service, username):
        self.store.pop((service, username), None)


@pytest.mark.parametrize("keeps", [True, False])
def test_the_key_goes_to_the_system_keyring_when_it_keeps_it(desk, tmp_path, keeps):
    previous = keyring.get_keyring()
    backend = MemoryKeyring(keeps)
    keyring.set_keyring(backend)
    try:
        desk.dossiers.save(NAME, person_dossier(), CONSENT)
        assert desk.dossiers.cipher.where == ("trousseau du système" if keeps else str(tmp_path / KEY_FILE))
        assert (tmp_path / KEY_FILE).exists() is not keeps
        assert bool(backend.store) is keeps
    finally:
        keyring.set_keyring(previous)


def test_deleted_on_request(desk):
    kept = desk.dossiers.save(NAME, person_dossier(), CONSENT)
    desk.dossiers.delete(kept)
    assert desk.dossiers.list() == []
    with pytest.raises(StoreError, match="n'existe plus"):
        desk.dossiers.open(kept)
    with pytest.raises(StoreError, match="n'existe plus"):
        desk.dossiers.delete(kept)


def test_export_and_import_move_a_dossier_between_desks(desk, tmp_path, catalogue, clock):
    kept = desk.dossiers.save(NAME, person_dossier(), CONSENT)
    exported = desk.dossiers.export(kept, tmp_path / "export.json")
    assert Dossier.load(exported) == person_dossier()  # the dossier file every desk reads
    assert NAME not in exported.read_text(encoding="utf-8")  # the name stays on the desk
    with Desk(tmp_path / "other" / "desk.db", catalogue=catalogue, now=clock) as other:
        imported = other.dossiers.import_file(exported, NAME, CONSENT)
        assert other.dossiers.open(imported).dossier == person_dossier()


def test_a_bad_file_is_refused_in_french_on_import(desk, tmp_path):
    bad = tmp_path / "abime.json"
    bad.write_text('{"people": [', encoding="utf-8")
    with pytest.raises(InvalidData):
        desk.dossiers.import_file(bad, NAME, CONSENT)
    assert desk.dossiers.list() == []


def test_retention_purges_old_dossiers_warns_a_week_before_and_logs_no_name(desk, clock, caplog):
    start = clock.moment
    desk.dossiers.save(NAME, person_dossier(), CONSENT)
    [kept] = desk.dossiers.list()
    assert kept.purge_on == date(2027, 12, 2)  # 12 months by default
    clock.moment = start + timedelta(days=350)
    assert not kept.purge_soon(clock.moment.date())
    clock.moment = datetime(2027, 11, 26, tzinfo=timezone.utc)
    assert kept.purge_soon(clock.moment.date())
    assert desk.dossiers.purge() == 0  # still within its 12 months
    clock.moment = datetime(2027, 12, 2, 10, 31, tzinfo=timezone.utc)
    with caplog.at_level(logging.INFO, logger="aidant_desk"):
        assert desk.dossiers.purge() == 1
    assert desk.dossiers.list() == []
    assert "1 dossier(s) supprimé(s)" in caplog.text and "Amandine" not in caplog.text and NAME not in caplog.text


def test_the_retention_is_a_setting_within_the_cnil_two_years(desk):
    desk.dossiers.set_retention_months(6)
    assert desk.dossiers.retention_months() == 6
    for months in (0, 25):
        with pytest.raises(InvalidData, match="de 1 à 24 mois"):
            desk.dossiers.set_retention_months(months)
    assert desk.dossiers.retention_months() == 6


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2026, 12, 2), 12, date(2027, 12, 2)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)), (date(2026, 3, 31), -1, date(2026, 2, 28))])
def test_months_are_added_to_a_date_by_the_calendar(day, months, expected):
    assert add_months_to_date(day, months) == expected


# ------------------------------------------------------------------ the dossier in progress

def test_the_autosave_is_encrypted_and_an_old_clear_one_still_reads(tmp_path, monkeypatch):
    from aidant_desk import autosave

    monkeypatch.setenv("AIDANT_DESK_HOME", str(tmp_path))
    answers = person_dossier().to_dict()
    autosave.save(answers)
    raw = autosave.autosave_path().read_bytes()
    assert b"Amandine" not in raw and b"1988-02-20" not in raw
    assert autosave.load() == (answers, "")
    autosave.autosave_path().write_text(json.dumps(answers), encoding="utf-8")  # written by an earlier version
    assert autosave.load() == (answers, "")


def test_expired_autosaves_go_with_the_expired_dossiers(tmp_path, monkeypatch, catalogue):
    import os

    from aidant_desk import autosave

    monkeypatch.setenv("AIDANT_DESK_HOME", str(tmp_path))
    autosave.save(person_dossier().to_dict())
    aside = autosave.set_aside()
    autosave.save(person_dossier().to_dict())
    thirteen_months_ago = datetime(2025, 11, 1, tzinfo=timezone.utc).timestamp()
    os.utime(aside, (thirteen_months_ago, thirteen_months_ago))
    now = Clock(datetime(2026, 12, 2, 10, 30, tzinfo=timezone.utc))
    with Desk(tmp_path / "desk.db", catalogue=catalogue, now=now) as desk:
        assert desk.purge_expired() == (0, 1)
    assert not aside.exists() and autosave.autosave_path().exists()


# ------------------------------------------------------------------ headless

def test_the_cli_keeps_lists_exports_and_deletes(tmp_path, capsys):
    from aidant_desk.cli import main

    database = ["--database", str(tmp_path / "desk.db")]
    example_file = str(EXAMPLES / "parent_isole_deux_enfants.json")
    assert main(["dossiers", "import", example_file, "--name", NAME, *database]) == 2  # no consent
    assert "la personne doit accepter" in capsys.readouterr().err
    assert main(["dossiers", "import", example_file, "--name", NAME, "--consent", *database]) == 0
    assert main(["dossiers", "list", "--search", "durand", *database]) == 0
    out = capsys.readouterr().out
    assert f"n° 1 — {NAME} — dernière visite le" in out and "effacé le" in out
    assert main(["dossiers", "export", "1", "-o", str(tmp_path / "out.json"), *database]) == 0
    assert Dossier.load(tmp_path / "out.json") == Dossier.load(EXAMPLES / "parent_isole_deux_enfants.json")
    assert main(["dossiers", "delete", "1", *database]) == 0
    assert main(["dossiers", "delete", "1", *database]) == 3
    assert "n'existe plus" in capsys.readouterr().err
    assert main(["dossiers", "list", *database]) == 0
    assert "Aucun dossier." in capsys.readouterr().out


# ------------------------------------------------------------------ re-check when the rules change

def tamper_results(desk, dossier_id: int, change) -> None:
    """Edits the results kept with a dossier, as older rules would have left them."""
    content = dict(next(c for i, c in desk.dossiers.contents() if i == dossier_id))
    change(content)
    token = desk.dossiers.cipher.encrypt(json.dumps(content).encode())
    desk.db["dossiers"].update(dossier_id, {"content": token, "catalogue_fingerprint": "ancienne-version"})


def test_a_recheck_says_which_aids_changed_for_whom(desk, engine, catalogue, capsys):
    first, second = person_dossier(), Dossier.load(EXAMPLES / "retraite_petite_pension.json")
    a = desk.dossiers.save(NAME, first, CONSENT, engine.simulate(first), catalogue.fingerprint)
    b = desk.dossiers.save("Bernard Martin", second, CONSENT, engine.simulate(second), catalogue.fingerprint)

    def older_rules(content):  # the prime d'activité was 150 € and the RSA was found
        content["results"]["ppa"] = ["eligible", 150.0]
        content["results"]["rsa"] = ["eligible", 42.0]

    tamper_results(desk, a, older_rules)
    [kept_b, kept_a] = desk.dossiers.list()
    assert kept_a.outdated(catalogue.fingerprint, "176.1.8") and not kept_b.outdated(catalogue.fingerprint, "176.1.8")
    report = desk.recheck()
    assert report.checked == 2 and report.first_time == 0 and report.refused == ()
    [changed] = report.changed
    assert changed.dossier_id == a and changed.name == NAME
    now = engine.simulate(first)
    assert {(c.label, c.before, c.after) for c in changed.changes} == {
        ("Prime d'activité", ("eligible", 150.0), ("eligible", now.aid("ppa").amount)),
        ("Revenu de solidarité active", ("eligible", 42.0), ())}
    assert not any(k.outdated(catalogue.fingerprint, "176.1.8") for k in desk.dossiers.list())
    assert desk.recheck().changed == ()  # the results kept are today's now

    from aidant_desk.cli import main

    tamper_results(desk, b, lambda content: content["results"].update(aspa=["eligible", 10.0]))
    desk.close()
    assert main(["recheck", "--database", str(desk.path)]) == 0
    out = capsys.readouterr().out
    assert "2 dossier(s) revérifié(s) ; des aides changent pour 1." in out
    assert "n° 2 — Bernard Martin (novembre 2026) :" in out
    spaces = str.maketrans({"\u00a0": " ", "\u202f": " "})
    expected = f"Allocation de solidarité aux personnes âgées : 10,00 € → {euros(engine.simulate(second).aid('aspa').amount)}"
    assert expected.translate(spaces) in out.translate(spaces)


def test_a_dossier_that_cannot_be_computed_is_reported_not_fatal(desk, engine, catalogue):
    kept = desk.dossiers.save(NAME, person_dossier(), CONSENT)
    desk.dossiers.save("Bernard Martin", Dossier.load(EXAMPLES / "retraite_petite_pension.json"), CONSENT)

    def broken(content):
        content["dossier"]["people"][0]["birth_date"] = "pas une date"

    tamper_results(desk, kept, broken)
    report = desk.recheck()
    assert report.checked == 1 and report.first_time == 1
    [(dossier_id, name, why)] = report.refused
    assert (dossier_id, name) == (kept, NAME) and "birth_date" in why


def test_a_recheck_shared_among_processes_keeps_each_dossiers_own_results(desk, engine, catalogue):
    # Batches of two over two forked workers; each dossier then computed alone, here.
    dossiers = [Dossier.load(path) for path in sorted(EXAMPLES.glob("*.json"))[:4]]
    ids = [desk.dossiers.save(f"Personne {i}", d, CONSENT) for i, d in enumerate(dossiers)]
    report = recheck(desk.dossiers, desk.engine, catalogue, batch=2, workers=2)
    assert (report.checked, report.first_time, report.refused) == (len(dossiers), len(dossiers), ())
    kept = dict(desk.dossiers.contents())
    for dossier_id, dossier in zip(ids, dossiers):
        alone = engine.simulate(dossier)
        assert kept[dossier_id]["results"] == snapshot(alone), dossier.label
        # The incomes found are kept too (encrypted): the next re-check starts from them.
        found = [x for household in kept[dossier_id]["incomes_found"] for x in household]
        assert found == pytest.approx([x for household in alone.incomes_found for x in household], abs=0.5)


def test_a_dossier_the_rules_now_refuse_is_reported_and_one_without_a_month_computed_now(desk, catalogue):
    first = desk.dossiers.save(NAME, person_dossier(), CONSENT)
    second = desk.dossiers.save("Bernard Martin", person_dossier(), CONSENT)
    # Kept when the catalogue still had an aid it has dropped since.
    tamper_results(desk, first, lambda content: content["dossier"]["benefits_received"].update(aide_disparue=80.0))
    # Imported from a file without a month: computed at this month, as a file opened is.
    tamper_results(desk, second, lambda content: content["dossier"].pop("month"))
    report = recheck(desk.dossiers, desk.engine, catalogue)
    assert report.checked == 1
    [(dossier_id, name, why)] = report.refused
    assert (dossier_id, name) == (first, NAME) and "aide inconnue du catalogue" in why
    assert dict(desk.dossiers.contents())[second]["results"]


def test_the_list_shows_each_persons_next_appointment_as_the_agenda_holds_it(desk, clock):
    agenda = desk.agenda()
    # Booked by hand at times chosen here: Thursday 3 and Tuesday 8 December, 10 h in Paris.
    later = agenda.record_partner(datetime(2026, 12, 8, 9, 0, tzinfo=timezone.utc), "CAF", "CAF du Nord")
    sooner = agenda.record_partner(datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc), "CPAM", "CPAM de Lille")
    other = agenda.record_partner(datetime(2026, 12, 4, 9, 0, tzinfo=timezone.utc), "Mairie", "Mairie")
    kept = desk.dossiers.save(NAME, person_dossier(), CONSENT, appointment_ids=[later.id])
    without = desk.dossiers.save("Sans rendez-vous", person_dossier(), CONSENT)
    desk.dossiers.add_appointments(kept, [sooner.id])
    # Saved again in place: the appointments noted before stay.
    desk.dossiers.save(NAME, person_dossier(), CONSENT, dossier_id=kept)
    listed = {k.id: k for k in desk.dossiers.list()}
    assert listed[kept].appointment_ids == tuple(sorted((later.id, sooner.id)))
    assert listed[without].appointment_ids == ()
    assert {i: a.id for i, a in desk.next_appointments(list(listed.values())).items()} == {kept: sooner.id}
    agenda.cancel(sooner.id)  # cancelled in the agenda: the next one is the later one
    assert desk.next_appointments(list(listed.values()))[kept].id == later.id
    clock.moment = datetime(2026, 12, 9, 9, 0, tzinfo=timezone.utc)  # both past: none to come
    assert desk.next_appointments(list(listed.values())) == {}
    assert other.id not in listed[kept].appointment_ids
    with pytest.raises(StoreError, match="n'existe plus"):
        desk.dossiers.add_appointments(9999, [later.id])
