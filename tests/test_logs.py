"""The desk's logs, over a whole visit (the dossier simulated, kept under the person's
name, its handout, an appointment with a note, a sync that fails, a re-check, the CLI):
JSON lines, the user's alone, and nothing that names the person, their birth dates,
incomes or the amounts found."""
import json
import logging
import stat
from datetime import datetime, timedelta

import pytest

from aidant_desk.agenda import PARIS
from aidant_desk.cli import main
from aidant_desk.desk import Consent, Desk
from aidant_desk.formatting import euros

from .conftest import EXAMPLES, MONTH, example

NAME, NOTE = "Jeanne DUPONT-QUESNEL", "Mme Jeanne DUPONT-QUESNEL née 12/03/1961, 06 12 34 56 78"
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=PARIS)  # a Tuesday


@pytest.fixture
def logged_home(tmp_path, monkeypatch):
    monkeypatch.setenv("AIDANT_DESK_HOME", str(tmp_path))
    logger = logging.getLogger("aidant_desk")
    before = list(logger.handlers)
    yield tmp_path
    for handler in logger.handlers[len(before):]:
        handler.close()
        logger.removeHandler(handler)


def _entries(home) -> list[dict]:
    files = sorted((home / "logs").glob("*.log*"))
    assert files, "no log written"
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    return [json.loads(line) for path in files for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_whole_visit_logs_what_happened_and_nothing_personal(logged_home, engine, capsys):
    from aidant_desk.desk import start_logging

    start_logging()
    dossier = example("couple_trois_enfants").with_month(MONTH)
    with Desk(logged_home / "desk.db", now=lambda: NOW) as desk:
        desk._engine = engine  # the session's engine: loaded once for the suite
        result = desk.simulate(dossier)
        desk.finish_visit(result, ["naissance"])
        desk.dossiers.save(NAME, dossier, Consent(True), result)
        desk.prepare_handout(result)
        desk.agenda().book_desk(NOW + timedelta(days=1, hours=1), desk.agenda().settings.counselors[0], note=NOTE,
                                label=NAME)
        desk.enrol(server_url="http://127.0.0.1:9", token="jeton-secret-du-poste")
        report = desk.sync(timeout=0.5)
        assert report.error  # no server there: the failure is logged
        desk.recheck()
    assert main(["simulate", str(EXAMPLES / "couple_trois_enfants.json"), "--month", MONTH]) == 0
    capsys.readouterr()

    entries = _entries(logged_home)
    said = [e["message"] for e in entries]
    assert any(m.startswith("Synchronisation : 0 lot(s) envoyé(s)") for m in said), said
    assert any(m.startswith("Revérification : 1 dossier(s)") for m in said), said
    assert {"time", "level", "logger", "message"} <= set(entries[0])

    personal = ["DUPONT", "Jeanne", "QUESNEL", "12/03/1961", "06 12 34 56 78", "jeton-secret-du-poste"]
    for person in dossier.people:
        birth = person.birth_date
        personal += [birth.isoformat(), birth.strftime("%d/%m/%Y")]
    personal += ["1900", "20500", "1 900", "20 500"]  # the wages and the income notice
    for aid in result.aids_found:
        if aid.amount:
            personal += [euros(aid.amount), f"{aid.amount:.2f}"]
    text = "\n".join(json.dumps({k: v for k, v in e.items() if k != "time"}, ensure_ascii=False) for e in entries)
    found = [p for p in personal if p in text]
    assert not found, found


def test_logs_are_rotated_and_each_file_is_private(logged_home, monkeypatch):
    from aidant_desk import logs

    monkeypatch.setattr(logs, "MAX_BYTES", 2_000)
    path = logs.start_logging("essai")
    for i in range(200):
        logging.getLogger("aidant_desk.essai").info("ligne %d", i)
    files = sorted(path.parent.glob("essai.log*"))
    assert len(files) == logs.KEPT_FILES + 1  # the current file and five before it, no more
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[-1])["message"] == "ligne 199"


def test_a_home_that_cannot_be_written_logs_nowhere_and_stops_nothing(tmp_path, monkeypatch):
    from aidant_desk import logs

    blocked = tmp_path / "fichier"
    blocked.write_text("pas un dossier")
    assert logs.start_logging(folder=blocked) is None
