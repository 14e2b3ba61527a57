"""The real widgets, driven headless (QT_QPA_PLATFORM=offscreen, set in conftest)."""
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox

from aidant_desk.dossier import Dossier
from aidant_desk.dossier.life_events import moving
from aidant_desk.engine.scenarios import earnings_ladder

from .conftest import EXAMPLES, MONTH, example

ENGINE_TIMEOUT_MS = 120_000


@pytest.fixture(scope="session")
def engine_client(qapp):
    from aidant_desk.app.engine_client import EngineClient

    client = EngineClient()
    client.start()
    yield client
    client.stop()


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("AIDANT_DESK_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def window(qtbot, engine_client, catalogue, home):
    from aidant_desk.app.main_window import MainWindow

    win = MainWindow(catalogue, engine_client, MONTH)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: engine_client.is_ready, timeout=ENGINE_TIMEOUT_MS)
    return win


def wait_result(qtbot, win, previous=None):
    qtbot.waitUntil(lambda: win.results.result is not None and win.results.result is not previous,
                    timeout=ENGINE_TIMEOUT_MS)
    return win.results.result


def type_into(qtbot, widget, text):
    widget.setFocus()
    widget.selectAll() if hasattr(widget, "selectAll") else None
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_window_opens_on_the_life_events_before_the_engine_is_ready(qtbot, catalogue, home):
    from aidant_desk.app.engine_client import EngineClient
    from aidant_desk.app.main_window import ENGINE_LOADING, MainWindow

    client = EngineClient()  # not started: the engine is still loading
    win = MainWindow(catalogue, client, MONTH)
    qtbot.addWidget(win)
    win.show()
    assert win.pages.currentWidget() is win.start
    assert set(win.start.buttons) == {e.id for e in catalogue.life_events} | {""}
    assert win.start.engine_state.text() == ENGINE_LOADING


def test_keyboard_fill_shows_expected_aids(qtbot, window):
    """The single adult of examples/personne_seule_sans_revenu.json, typed by hand."""
    qtbot.mouseClick(window.start.buttons[""], Qt.MouseButton.LeftButton)
    form = window.form
    applicant = form.people.rows[0]
    applicant.birth.setFocus()
    qtbot.keyClicks(applicant.birth, "12051984")
    assert applicant.birth.date() == QDate(1984, 5, 12)
    form.housing_status.setFocus()
    qtbot.keyClicks(form.housing_status, "Locataire (v")
    type_into(qtbot, form.rent, "480")
    type_into(qtbot, form.charges, "40")
    type_into(qtbot, form.commune, "Lyon")
    type_into(qtbot, form.fiscal_income, "0")
    type_into(qtbot, form.savings, "300")
    form.move_in.setDate(QDate(2021, 9, 1))
    form.flush()
    result = wait_result(qtbot, window)

    typed = Dossier.from_dict(form.to_data())
    expected = example("personne_seule_sans_revenu")
    assert typed.people[0].birth_date == expected.people[0].birth_date
    assert typed.housing == expected.housing
    assert typed.fiscal_reference_income == expected.fiscal_reference_income
    assert typed.assets == expected.assets
    shown = window.results.shown_aids("new")
    assert {"rsa", "aide_logement", "css_gratuite"} <= set(shown)
    assert result.aid("rsa").status == "eligible"


def test_a_life_event_shows_and_hides_the_right_questions(qtbot, window, catalogue):
    qtbot.mouseClick(window.start.buttons["demenagement"], Qt.MouseButton.LeftButton)
    form = window.form
    assert form.commune.isVisibleTo(window) and form.move_in.isVisibleTo(window)
    assert not form.people.rows[0].pregnant.isVisibleTo(window)  # only for a birth or a full check
    assert not form.people.rows[0].disability.isVisibleTo(window)
    # visible_when (questions.yaml): social housing only for a tenant.
    form.housing_status.set_value("hosted_free")
    form.apply_visibility()
    assert not form.social_housing.isVisibleTo(window)
    form.housing_status.set_value("tenant_unfurnished")
    form.apply_visibility()
    assert form.social_housing.isVisibleTo(window)

    # A person.* rule: the grant box only for a pupil or a student.
    row = form.people.rows[0]
    row.school.set_value("none")
    assert not row.grant.isEnabled()
    row.school.set_value("lycee")
    assert row.grant.isEnabled()

    window.new_dossier()
    qtbot.mouseClick(window.start.buttons["naissance"], Qt.MouseButton.LeftButton)
    assert form.people.rows[0].pregnant.isVisibleTo(window)
    assert not form.move_in.isVisibleTo(window)


def test_before_after_for_a_move(qtbot, window, engine):
    """The young job-seeker hosted by her parents rents a flat in Nantes at 420 €."""
    dossier = example("jeune_demandeur_emploi")
    window.load_dossier(dossier)
    window.tabs.setCurrentWidget(window.comparison)
    window.comparison.select_event("demenagement")
    fields = window.comparison.fields
    fields["housing.status"].set_value("tenant_unfurnished")
    fields["housing.rent"].setText("420")
    fields["housing.charges"].setText("30")
    window.request_comparison()
    qtbot.waitUntil(lambda: window.comparison.comparison is not None
                    and window.comparison.comparison.after.aid("aide_logement").eligible, timeout=ENGINE_TIMEOUT_MS)

    moved = moving(dossier, MONTH, rent=420, charges=30, status="tenant_unfurnished")
    before, after = engine.scenarios(dossier, [moved], MONTH)
    shown = {window.comparison.table.item(r, 0).data(Qt.ItemDataRole.UserRole): window.comparison.table.item(r, 3).text()
             for r in range(window.comparison.table.rowCount())}
    assert before.aid("aide_logement").status == "not_eligible"  # hosted free: no housing aid
    assert after.aid("aide_logement").amount > 0
    assert "aide_logement" in shown and shown["aide_logement"].startswith("+")
    changed = {a.aid_id for a, b in zip(before.aids, after.aids) if a.status != b.status or a.amount != b.amount}
    assert set(shown) == changed


def test_chart_data_matches_the_engine_scenario(qtbot, window, engine):
    dossier = example("parent_isole_deux_enfants")
    window.load_dossier(dossier)
    window.tabs.setCurrentWidget(window.earnings)
    qtbot.waitUntil(lambda: window.earnings.chart.ladder is not None, timeout=ENGINE_TIMEOUT_MS)
    shown = window.earnings.chart.ladder
    direct = earnings_ladder(engine, dossier, MONTH)
    assert len(shown.points) == len(direct.points) == 41
    assert shown.points[-1].earnings == pytest.approx(2 * direct.smic_net, abs=0.05)
    for a, b in zip(shown.points, direct.points):
        assert a.aids_total == pytest.approx(b.aids_total, abs=0.01)
        assert a.disposable_income == pytest.approx(b.disposable_income, abs=0.01)
    # The prime d'activité stops somewhere on the way to 2 SMIC: a visible cliff.
    assert any(c.aid_id == "ppa" for c in shown.cliffs)


def test_autosave_and_resume(qtbot, window, catalogue, engine_client, home):
    from aidant_desk.app.main_window import MainWindow

    window.load_dossier(example("retraite_petite_pension"))
    window.form.rent.setText("455")
    window.form.flush()
    window.close()

    again = MainWindow(catalogue, engine_client, MONTH)
    qtbot.addWidget(again)
    again.show()
    assert again.start.resume_banner.isVisibleTo(again)
    qtbot.mouseClick(again.start.resume_button, Qt.MouseButton.LeftButton)
    assert again.form.rent.value() == 455
    assert again.form.to_data()["people"][0]["birth_date"] == "1954-08-30"


def test_invalid_dossier_file_gives_a_french_message(qtbot, window, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append((title, text)))
    bad = tmp_path / "abîmé.json"
    bad.write_text('{"format_version": 1, "people": [{"id": "a", "role": "boss", "birth_date": "1980-01-01"}]}',
                   encoding="utf-8")
    assert window.open_path(bad) is False
    title, text = shown[0]
    assert title == "Impossible d'ouvrir ce dossier"
    assert "people[0].role" in text and "valeur « boss » inconnue" in text
    assert window.pages.currentWidget() is window.start  # nothing half-loaded


def test_invalid_amount_is_named_and_nothing_is_lost(qtbot, window):
    window.load_dossier(example("personne_seule_sans_revenu"))
    window.form.rent.setText("cinq cents")
    window.form.flush()
    assert "Loyer mensuel hors charges : montant invalide" in window.results.summary.text()
    assert window.form.rent.text() == "cinq cents"


def test_examples_round_trip_through_the_form(qtbot, window):
    for path in sorted(EXAMPLES.glob("*.json")):
        dossier = Dossier.load(path)
        window.load_dossier(dossier)
        again = Dossier.from_dict(window.form.to_data())
        assert again.people == dossier.people, path.name
        assert again.housing == dossier.housing, path.name
        assert again.fiscal_reference_income == dossier.fiscal_reference_income, path.name
        assert again.benefits_received == dossier.benefits_received, path.name
        for month in dossier.history(MONTH):
            assert again.monthly_resources(month) == dossier.monthly_resources(month), (path.name, month)
        assert date.fromisoformat(again.month + "-01")


def test_a_finished_simulation_is_counted_once_with_its_aids(qtbot, window):
    """examples/personne_seule_sans_revenu.json: RSA and housing aid are new rights."""
    window.load_dossier(example("personne_seule_sans_revenu"))
    result = wait_result(qtbot, window)
    window.form.rent.setText("490")  # more recomputations of the same dossier
    window.form.flush()
    wait_result(qtbot, window, previous=result)
    window.new_dossier()
    qtbot.mouseClick(window.start.buttons[""], Qt.MouseButton.LeftButton)  # moving on ends the session

    rows = {(r["metric"], r["key"]): r["recorded"] for r in window.activity.db["activity_counts"].rows}
    assert rows[("simulations", "")] == 1
    assert rows[("simulations_with_aid", "")] == 1
    assert rows[("simulations_with_new_rights", "")] == 1
    assert rows[("aids", "rsa")] == 1 and rows[("aids", "aide_logement")] == 1
    assert ("aids", "aah") not in rows


def test_booked_appointment_goes_on_the_handout_and_into_the_ics(qtbot, window, tmp_path):
    from datetime import date, timedelta

    from icalendar import Calendar
    from pypdf import PdfReader

    window.load_dossier(example("parent_isole_deux_enfants"))
    result = wait_result(qtbot, window)
    panel = window.agenda_panel
    monday = date.today() + timedelta(days=7 - date.today().weekday())  # next Monday: the desk is open
    panel.day.setDate(QDate(monday.year, monday.month, monday.day))
    first_slot = panel.slots.currentData()
    booked = panel.book_desk()
    assert booked is not None and booked.start == first_slot.start
    assert panel.slots.currentData().start != first_slot.start  # the slot is taken now

    dialog = window.open_handout()
    qtbot.addWidget(dialog)
    saved = dialog.save(tmp_path / "recap.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(saved).pages)
    from aidant_desk.agenda import when

    assert when(booked.start).replace("\xa0", " ") in text.replace("\n", " ") and booked.with_whom in text
    for aid in result.new_rights:
        assert aid.label.split(" (")[0] in text.replace("\n", " ")
    assert "1988" not in text  # the parent's birth year stays off the handout

    ics = panel.export(tmp_path / "rdv.ics")
    events = [c for c in Calendar.from_ical(ics.read_bytes()).walk("VEVENT")]
    assert len(events) == 1
    start = events[0].decoded("DTSTART")
    assert start == booked.start and str(start.tzinfo) == "Europe/Paris"
    counts = {(r["metric"], r["key"]): r["recorded"] for r in window.activity.db["activity_counts"].rows}
    assert counts[("appointments_desk", "")] == 1 and counts[("handouts", "")] == 1


def test_smoke_mode_writes_a_screenshot_of_the_results(tmp_path):
    """`aidant-desk --smoke` as CI and the installers run it: a real process, offscreen."""
    import os
    import subprocess
    import sys

    from PySide6.QtGui import QImage

    shot = tmp_path / "smoke.png"
    env = {**os.environ, "AIDANT_DESK_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "aidant_desk.cli", "--smoke", str(EXAMPLES / "couple_trois_enfants.json"),
                           "--screenshot", str(shot)], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert "aide(s) éligible(s)" in done.stdout
    image = QImage(str(shot))
    assert image.width() >= 1000 and image.height() >= 700


def test_smoke_mode_fails_in_french_on_a_bad_dossier(tmp_path):
    import os
    import subprocess
    import sys

    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    env = {**os.environ, "AIDANT_DESK_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "aidant_desk.cli", "--smoke", str(bad), "--screenshot",
                           str(tmp_path / "x.png")], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 2
    assert "pas un JSON valide" in done.stderr and "Traceback" not in done.stderr


def test_a_half_typed_dossier_is_autosaved_and_resumed(qtbot, window, catalogue, engine_client, home):
    from aidant_desk.app.main_window import MainWindow

    window.load_dossier(example("personne_seule_sans_revenu"))
    window.form.rent.setText("480 €/mois")  # not a number yet
    window.form.savings.setText("9999")
    window.form.flush()
    window.close()

    again = MainWindow(catalogue, engine_client, MONTH)
    qtbot.addWidget(again)
    qtbot.mouseClick(again.start.resume_button, Qt.MouseButton.LeftButton)
    assert again.form.savings.value() == 9999  # typed after the bad amount, kept all the same


def test_starting_another_dossier_keeps_the_offered_one_aside(qtbot, window, catalogue, engine_client, home):
    from aidant_desk.app.main_window import MainWindow

    window.load_dossier(example("retraite_petite_pension"))
    window.form.flush()
    window.close()
    again = MainWindow(catalogue, engine_client, MONTH)
    qtbot.addWidget(again)
    assert again.start.resume_banner.isVisibleTo(again)
    qtbot.mouseClick(again.start.buttons["demenagement"], Qt.MouseButton.LeftButton)
    assert not again.start.resume_banner.isVisibleTo(again)
    kept = list(home.glob("dossier-precedent-*.json"))
    assert len(kept) == 1 and "1954-08-30" in kept[0].read_text(encoding="utf-8")


def test_changing_the_month_moves_the_resources_grid(qtbot, window):
    window.load_dossier(example("jeune_demandeur_emploi"))
    form = window.form
    form.month_edit.setText("2027-03")
    form.month_edit.editingFinished.emit()
    assert form.resources.months[-1] == "2027-03" and form.resources.months[0] == "2026-03"
    data = form.to_data()
    wages = data["resources"][0]
    assert wages["months"] == {"2026-03": 900.0}  # amounts stay on their own months


def test_removing_a_person_removes_their_resources(qtbot, window):
    window.load_dossier(example("couple_attend_bebe"))
    form = window.form
    spouse = next(r for r in form.people.rows if r.role.value() == "spouse")
    form.people.remove_person(spouse)
    people = {r["person"] for r in form.to_data()["resources"]}
    assert people == {"parent1"}
    assert form.to_data()["resources"][0]["same_every_month"] == 1500


def test_any_insee_code_is_kept_and_an_unknown_name_is_named(qtbot, window):
    window.load_dossier(example("personne_seule_sans_revenu"))
    form = window.form
    form.commune.setText("75101")  # Paris 1er arrondissement: not in the offline list of communes
    assert form.to_data()["housing"]["commune"] == "75101"
    form.commune.setText("Trifouillis-les-Oies")
    assert any("« Trifouillis-les-Oies » introuvable" in p for p in form.input_problems())


def test_a_dead_engine_is_reported_and_the_form_kept(qtbot, catalogue, home):
    from aidant_desk.app.engine_client import EngineClient
    from aidant_desk.app.main_window import MainWindow

    client = EngineClient()
    client.start()
    win = MainWindow(catalogue, client, MONTH)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: client.is_ready, timeout=ENGINE_TIMEOUT_MS)
    win.load_dossier(example("personne_seule_sans_revenu"))
    client._process.kill()
    with qtbot.waitSignal(client.failed, timeout=10_000):
        win.form.rent.setText("500")
        win.form.flush()
    assert not client.is_ready
    assert "Le moteur de calcul s'est arrêté" in win.results.summary.text()
    assert win.form.rent.value() == 500
    client.stop()
