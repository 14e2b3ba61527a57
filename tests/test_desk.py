"""The desk layer: the one place where a use case happens and is counted, over a
store it opens itself; a store that cannot open is said in French where it fails."""
from datetime import datetime

import pytest

from aidant_desk.agenda import PARIS
from aidant_desk.desk import Desk, HandoutOptions, StoreError
from aidant_desk.engine.service import Answer, Refusal, Simulate, answer
from aidant_desk.store import open_database

from .conftest import MONTH, example

AT = datetime(2026, 11, 24, 10, 0, tzinfo=PARIS)  # ISO week 48


def counts(path):
    db = open_database(path).db
    try:
        return {(r[0], r[1]): r[2] for r in db.execute("SELECT metric, key, recorded FROM activity_counts")}
    finally:
        db.close()


def test_a_visit_is_counted_once_with_its_aids_and_events(tmp_path, engine, catalogue):
    result = engine.simulate(example("personne_seule_sans_revenu").with_month(MONTH))
    with Desk(tmp_path / "desk.db", catalogue=catalogue, now=lambda: AT) as desk:
        desk.finish_visit(result, ["perte_emploi"])
    rows = counts(tmp_path / "desk.db")
    assert rows[("simulations", "")] == 1 and rows[("simulations_with_new_rights", "")] == 1
    assert rows[("aids", "rsa")] == 1 and rows[("life_events", "perte_emploi")] == 1


def test_a_booking_through_the_desk_is_counted_and_a_raw_agenda_is_not(tmp_path):
    from aidant_desk.agenda import Agenda, AgendaSettings
    from aidant_desk.site import SiteSettings

    with Desk(tmp_path / "desk.db", now=lambda: AT) as desk:
        desk.agenda().record_partner(datetime(2026, 12, 2, 9, 0, tzinfo=PARIS), "CAF", "CAF du Nord")
        # Below the desk the agenda only books: nothing of it counts.
        Agenda(desk.db, AgendaSettings(), SiteSettings(), now=lambda: AT).record_partner(
            datetime(2026, 12, 3, 9, 0, tzinfo=PARIS), "CPAM", "CPAM de Lille")
    assert counts(tmp_path / "desk.db") == {("appointments_partner", ""): 1}


def test_a_store_that_cannot_open_is_named_and_computing_still_works(tmp_path, engine, catalogue):
    blocker = tmp_path / "pas-un-dossier"
    blocker.write_text("un fichier, pas un dossier", encoding="utf-8")
    desk = Desk(blocker / "desk.db", catalogue=catalogue, now=lambda: AT)
    desk._engine = engine  # the session's warm engine
    result = desk.simulate(example("personne_seule_sans_revenu").with_month(MONTH))
    assert result.aid("rsa").eligible
    problem = desk.store_problem()
    assert str(blocker / "desk.db") in problem and "ne peut pas être ouvert" in problem
    with pytest.raises(StoreError, match="ne peut pas être ouvert"):
        desk.finish_visit(result, [])
    with pytest.raises(StoreError, match="ne peut pas être ouvert"):
        desk.prepare_handout(result, HandoutOptions())
    assert blocker.read_text(encoding="utf-8") == "un fichier, pas un dossier"  # nothing lost


def test_a_handout_with_its_site_given_needs_no_store(tmp_path, engine, catalogue):
    """What the app builds off the GUI thread: no store read there."""
    from aidant_desk.site import SiteSettings

    blocker = tmp_path / "f"
    blocker.write_text("x", encoding="utf-8")
    desk = Desk(blocker / "desk.db", catalogue=catalogue, now=lambda: AT)
    result = engine.simulate(example("parent_isole_deux_enfants").with_month(MONTH))
    handout = desk.prepare_handout(result, HandoutOptions(), site=SiteSettings(name="France Services de Roubaix"))
    assert handout.pdf.startswith(b"%PDF") and not handout.counted


def test_a_failed_write_leaves_no_half_handout(tmp_path, engine, catalogue):
    result = engine.simulate(example("parent_isole_deux_enfants").with_month(MONTH))
    with Desk(tmp_path / "desk.db", catalogue=catalogue, now=lambda: AT) as desk:
        handout = desk.prepare_handout(result)
        with pytest.raises(OSError):
            desk.save_handout(handout, tmp_path / "absent" / "recap.pdf")
        assert not handout.counted
    assert counts(tmp_path / "desk.db") == {}
    assert list(tmp_path.glob("**/*.tmp")) == []


def test_the_month_of_a_dossier_file_is_resolved_once(tmp_path, catalogue):
    desk = Desk(tmp_path / "desk.db", catalogue=catalogue)
    path = tmp_path / "d.json"
    example("couple_trois_enfants").replace(month=None).save(path)
    assert desk.open_dossier(path, "2025-02").month == "2025-02"
    assert desk.open_dossier(path).month is not None  # the current month, never unset


def test_engine_messages_are_typed_and_refusals_are_french(engine):
    dossier = example("personne_seule_sans_revenu")
    reply = answer(engine, Simulate(dossier.with_month(MONTH)))
    assert isinstance(reply, Answer) and reply.value.aid("rsa").eligible
    refused = answer(engine, Simulate(dossier.with_month("2014-06")))
    assert isinstance(refused, Refusal) and "janvier 2015" in refused.message


def test_the_engine_process_warms_up_while_nobody_asks_and_then_answers_as_before(engine, monkeypatch, caplog):
    """serve() computes an example when no dossier comes at once; a warm-up that fails
    (its example missing) only logs, and the dossier asked next is computed as ever."""
    import logging
    import threading
    from multiprocessing import Pipe

    from aidant_desk.engine import service

    warmed = []
    monkeypatch.setattr(service, "WARM_UP_AFTER_S", 0.01)
    monkeypatch.setattr(service, "WARM_UP_EXAMPLE", "absent.json")
    monkeypatch.setattr("aidant_desk.engine.core.Engine", lambda catalogue=None: engine)
    real_warm_up = service.warm_up
    monkeypatch.setattr(service, "warm_up", lambda e: warmed.append(real_warm_up(e)))
    ours, theirs = Pipe()
    worker = threading.Thread(target=service.serve, args=(theirs,), daemon=True)
    with caplog.at_level(logging.ERROR):
        worker.start()
        assert isinstance(ours.recv(), service.Ready)
        worker.join(timeout=1)  # nothing asked meanwhile: the warm-up runs
        dossier = example("couple_trois_enfants").with_month(MONTH)
        ours.send(Simulate(dossier))
        reply = ours.recv()
        ours.send(service.Stop())
        worker.join(timeout=10)
    assert warmed == [None]
    assert "Préchauffage du moteur impossible" in caplog.text
    assert isinstance(reply, Answer) and reply.value == engine.simulate(dossier)
