"""The real widgets, driven headless (QT_QPA_PLATFORM=offscreen, set in conftest)."""
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox

from aidant_desk.dossier import Dossier
from aidant_desk.dossier.life_events import moving
from aidant_desk.engine.explain import EXPLAINED
from aidant_desk.engine.scenarios import earnings_ladder

from .conftest import EXAMPLES, MONTH, example

ENGINE_TIMEOUT_MS = 120_000


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
    applicant.activity.setFocus()  # a new dossier assumes no activity (issue 11)
    qtbot.keyClicks(applicant.activity, "Sans")
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
    before, after = engine.scenarios(dossier.with_month(MONTH), [moved.with_month(MONTH)])
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
    direct = earnings_ladder(engine, dossier.with_month(MONTH))
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

    rows = {(r["metric"], r["key"]): r["recorded"] for r in window.desk.db["activity_counts"].rows}
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
    import re

    text = re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in PdfReader(saved).pages))
    from aidant_desk.agenda import when

    assert when(booked.start).replace("\xa0", " ") in text and booked.with_whom in text  # lines wrap anywhere
    for aid in result.new_rights:
        assert aid.label.split(" (")[0] in text
    assert "1988" not in text  # the parent's birth year stays off the handout

    ics = panel.export(tmp_path / "rdv.ics")
    events = [c for c in Calendar.from_ical(ics.read_bytes()).walk("VEVENT")]
    assert len(events) == 1
    start = events[0].decoded("DTSTART")
    assert start == booked.start and str(start.tzinfo) == "Europe/Paris"
    counts = {(r["metric"], r["key"]): r["recorded"] for r in window.desk.db["activity_counts"].rows}
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
    from aidant_desk import autosave

    kept = list(home.glob("dossier-precedent-*.json"))
    assert len(kept) == 1 and autosave.read(kept[0])["people"][0]["birth_date"] == "1954-08-30"


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


# --- dossier format 2: the new questions ------------------------------------------------

@pytest.fixture
def desk(qtbot, catalogue, home):
    """The main window with an engine not started: the form, files and autosave need none."""
    from aidant_desk.app.engine_client import EngineClient
    from aidant_desk.app.main_window import MainWindow

    win = MainWindow(catalogue, EngineClient(), MONTH)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    return win


def tick(qtbot, box):
    """A check box ticked from the keyboard (Space), as a counselor does."""
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)


def answer_what_a_new_dossier_leaves_blank(form):
    """A new dossier assumes nothing (issue 11): the answers it used to pre-fill, where still blank."""
    for row in form.people.rows:
        if row.birth.date() == row.birth.minimumDate():
            row.birth.setDate(QDate(2015, 1, 1) if row.role.value() == "child" else QDate(1990, 1, 1))
        if not row.activity.value():
            row.activity.set_value("inactive")
    if not form.housing_status.value():
        form.housing_status.set_value("hosted_free")


def save_and_reopen(desk, tmp_path, monkeypatch, name="dossier.json"):
    """Save through « Enregistrer sous », open the file again; the saved JSON and the reopened form data."""
    import json

    from PySide6.QtWidgets import QFileDialog

    path = tmp_path / name
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    answer_what_a_new_dossier_leaves_blank(desk.form)
    desk.form.flush()
    desk.save_as()
    assert path.exists(), getattr(desk, "last_error", "")
    saved = json.loads(path.read_text(encoding="utf-8"))
    desk.new_dossier()
    desk.start.buttons[""].click()  # another dossier in between: nothing is left over in the widgets
    assert desk.open_path(path)
    return saved, desk.form.to_data()


def test_new_person_fields_are_typed_saved_and_reopened(qtbot, desk, tmp_path, monkeypatch):
    qtbot.mouseClick(desk.start.buttons[""], Qt.MouseButton.LeftButton)  # full check: every question
    form = desk.form
    applicant = form.people.rows[0]
    applicant.activity.setFocus()
    qtbot.keyClicks(applicant.activity, "Demandeur d")
    assert applicant.activity.value() == "job_seeker"
    assert applicant.ass_work_history.isVisibleTo(desk)
    tick(qtbot, applicant.ass_work_history)
    type_into(qtbot, applicant.alimony_paid, "150,50")
    qtbot.mouseClick(form.people.add_button, Qt.MouseButton.LeftButton)
    child = form.people.rows[1]
    assert child.role.value() == "child" and child.shared_custody.isVisibleTo(desk)
    tick(qtbot, child.shared_custody)

    saved, again = save_and_reopen(desk, tmp_path, monkeypatch)
    assert saved["format_version"] == 2
    assert saved["people"][0]["ass_work_history"] is True and saved["people"][0]["alimony_paid"] == 150.5
    assert saved["people"][1]["shared_custody"] is True
    reopened = form.people.rows
    assert reopened[0].ass_work_history.isChecked() and reopened[0].alimony_paid.value() == 150.5
    assert reopened[1].shared_custody.isChecked()
    assert Dossier.from_dict(again).people == Dossier.from_dict(saved).people


@pytest.mark.parametrize("status,boxes", [
    ("tenant_furnished", ("room_only", "landlord_family")),
    ("hosted_free", ("hosting_contribution",)),
])
def test_new_housing_boxes_are_ticked_saved_and_reopened(qtbot, desk, tmp_path, monkeypatch, status, boxes):
    qtbot.mouseClick(desk.start.buttons[""], Qt.MouseButton.LeftButton)
    form = desk.form
    form.housing_status.set_value(status)
    for key in boxes:
        box = getattr(form, key)
        assert box.isVisibleTo(desk), key
        tick(qtbot, box)
    saved, again = save_and_reopen(desk, tmp_path, monkeypatch)
    assert {k: saved["housing"].get(k) for k in boxes} == {k: True for k in boxes}
    assert all(getattr(form, key).isChecked() for key in boxes)
    assert Dossier.from_dict(again).housing == Dossier.from_dict(saved).housing


def test_loan_date_is_typed_saved_reopened_and_dropped_for_a_tenant(qtbot, desk, tmp_path, monkeypatch):
    qtbot.mouseClick(desk.start.buttons[""], Qt.MouseButton.LeftButton)
    form = desk.form
    form.housing_status.set_value("first_time_buyer")
    assert form.loan_date.isVisibleTo(desk)
    form.loan_date.setFocus()
    qtbot.keyClicks(form.loan_date, "12042016")
    assert form.loan_date.date() == QDate(2016, 4, 12)
    type_into(qtbot, form.rent, "640")
    saved, again = save_and_reopen(desk, tmp_path, monkeypatch)
    assert saved["housing"]["loan_date"] == "2016-04-12"
    assert form.loan_date.date() == QDate(2016, 4, 12)
    assert Dossier.from_dict(again).housing.loan_date == date(2016, 4, 12)
    # A loan date means nothing for a tenant: left out, and the dossier stays valid.
    form.housing_status.set_value("tenant_unfurnished")
    assert "loan_date" not in form.to_data()["housing"]
    assert Dossier.from_dict(form.to_data()).housing.loan_date is None


def test_gross_amounts_and_self_employment_kind_in_the_resources_grid(qtbot, desk, tmp_path, monkeypatch):
    from aidant_desk.app.resources_grid import NATURE_COL, SAME_COL, TYPE_COL

    qtbot.mouseClick(desk.start.buttons[""], Qt.MouseButton.LeftButton)
    grid = desk.form.resources
    pension = grid.add_row("p1", "pension")
    nature = grid.table.cellWidget(pension, NATURE_COL)
    assert nature.isEnabled() and [nature.itemData(i) for i in range(nature.count())] == ["net", "gross"]
    nature.setFocus()
    qtbot.keyClicks(nature, "bruts")
    assert nature.value() == "gross"
    grid.table.item(pension, SAME_COL).setText("1 250")
    business = grid.add_row("p1", "wages")
    grid.table.cellWidget(business, TYPE_COL).set_value("self_employment")  # the choices follow the type
    kind = grid.table.cellWidget(business, NATURE_COL)
    assert [kind.itemText(i) for i in range(kind.count())] == ["services", "vente", "libéral"]
    kind.set_value("sales")
    grid.table.item(business, SAME_COL).setText("3000")
    sick = grid.add_row("p1", "sick_pay")
    assert not grid.table.cellWidget(sick, NATURE_COL).isEnabled()  # net only
    grid.table.item(sick, SAME_COL).setText("400")

    saved, again = save_and_reopen(desk, tmp_path, monkeypatch)
    assert saved["resources"] == [
        {"person": "p1", "type": "pension", "basis": "gross", "same_every_month": 1250},
        {"person": "p1", "type": "self_employment", "self_employment_kind": "sales", "same_every_month": 3000},
        {"person": "p1", "type": "sick_pay", "same_every_month": 400},
    ]
    assert Dossier.from_dict(again).resources == Dossier.from_dict(saved).resources
    assert grid.table.cellWidget(0, NATURE_COL).value() == "gross"
    assert grid.table.cellWidget(1, NATURE_COL).value() == "sales"


def test_tax_notice_detail_per_declarant(qtbot, desk, tmp_path, monkeypatch):
    dossier = example("couple_trois_enfants")  # married
    desk.load_dossier(dossier)
    notice = desk.form.notice
    assert notice.toggle.isVisibleTo(desk) and not notice.detail.isVisibleTo(desk)
    tick(qtbot, notice.toggle)
    assert notice.detail.isVisibleTo(desk)
    applicant, spouse = notice.fields
    assert spouse["wages"].isVisibleTo(desk)  # a married spouse declares with the applicant
    type_into(qtbot, applicant["wages"], "21 000")
    type_into(qtbot, applicant["unemployment"], "1 800")
    type_into(qtbot, spouse["pensions"], "9600")
    assert applicant["wages"].accessibleName().startswith("Avis N-2, ")

    saved, again = save_and_reopen(desk, tmp_path, monkeypatch)
    ids = [p.id for p in dossier.parents]
    assert saved["tax_notice_incomes"] == [{"person": ids[0], "wages": 21000, "unemployment": 1800},
                                           {"person": ids[1], "pensions": 9600}]
    assert Dossier.from_dict(again).tax_notice_incomes == Dossier.from_dict(saved).tax_notice_incomes
    assert notice.toggle.isChecked() and notice.fields[1]["pensions"].value() == 9600
    # Cohabiting: the spouse has a notice of their own, not asked here.
    desk.form.couple.set_value("cohabiting")
    assert not notice.fields[1]["pensions"].isVisibleTo(desk)
    assert [e["person"] for e in desk.form.to_data()["tax_notice_incomes"]] == ids[:1]
    # Unticked: no detail in the dossier.
    tick(qtbot, notice.toggle)
    assert "tax_notice_incomes" not in desk.form.to_data()


def test_month_by_month_benefit_loads_and_saves(qtbot, desk, tmp_path, monkeypatch):
    data = example("parent_isole_deux_enfants").to_dict()
    data["benefits_received"] = {
        "rsa": {"same_every_month": 520, "months": {"2026-08": 0, "2026-10": 480, "2026-02": 300}},
        "af": 148.5,
    }
    desk.load_dossier(Dossier.from_dict(data))
    benefits = desk.form.benefits
    assert benefits.months == ["2026-08", "2026-09", "2026-10"]
    header = [benefits.table.horizontalHeaderItem(c).text() for c in range(benefits.table.columnCount())]
    assert header == ["Aide", "Chaque mois", "août 26", "sept. 26", "oct. 26"]
    cells = [benefits.table.item(0, c).text() for c in range(1, 5)]
    assert cells == ["520", "0", "", "480"]  # empty: the same as every month
    assert benefits.to_data() == {"rsa": {"same_every_month": 520, "months": {"2026-02": 300, "2026-08": 0,
                                                                               "2026-10": 480}}, "af": 148.5}
    # The counselor types September's amount; a month equal to the usual one is no difference.
    benefits.table.item(0, 3).setText("505")
    benefits.table.item(1, 4).setText("148,50")
    saved, again = save_and_reopen(desk, tmp_path, monkeypatch)
    assert saved["benefits_received"] == {
        "rsa": {"same_every_month": 520, "months": {"2026-02": 300, "2026-08": 0, "2026-09": 505, "2026-10": 480}},
        "af": 148.5,  # a plain number: no month differs
    }
    assert Dossier.from_dict(again).benefits_received == Dossier.from_dict(saved).benefits_received
    # A month typed wrong is named, and the usual shape comes back once months are emptied.
    benefits.table.item(0, 2).setText("beaucoup")
    assert any("Aides déjà perçues, ligne 1, août 26 : montant invalide" in p for p in desk.form.input_problems())
    for col in (2, 3, 4):
        benefits.table.item(0, col).setText("")
    assert desk.form.to_data()["benefits_received"]["rsa"] == {"same_every_month": 520, "months": {"2026-02": 300}}


def test_benefit_months_follow_the_simulated_month(qtbot, desk):
    desk.load_dossier(example("personne_seule_sans_revenu"))
    form = desk.form
    benefits = form.benefits
    row = benefits.add_row("rsa", 500)
    benefits.table.item(row, 4).setText("450")  # October 2026
    form.month_edit.setText("2027-01")
    form.month_edit.editingFinished.emit()
    assert benefits.months == ["2026-10", "2026-11", "2026-12"]
    assert benefits.table.item(row, 2).text() == "450"  # still on October
    assert form.to_data()["benefits_received"]["rsa"] == {"same_every_month": 500, "months": {"2026-10": 450}}


def test_a_version_1_file_with_self_employment_opens_as_turnover(qtbot, desk, tmp_path):
    import json

    from aidant_desk.app.resources_grid import NATURE_COL, SAME_COL, TYPE_COL

    old = {"format_version": 1, "month": MONTH,
           "people": [{"id": "a", "role": "applicant", "birth_date": "1979-02-03", "activity": "self_employed"}],
           "housing": {"status": "tenant_unfurnished", "rent": 500, "commune": "69123"},
           "resources": [{"person": "a", "type": "self_employment", "same_every_month": 600}],
           "benefits_received": {"ppa": 120}}
    path = tmp_path / "ancien.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    assert desk.open_path(path)
    grid = desk.form.resources
    assert grid.table.cellWidget(0, TYPE_COL).value() == "self_employment"
    assert grid.table.cellWidget(0, NATURE_COL).value() == "services"
    # A profit of 600 is a turnover of 1 200 after the 50 % micro-BIC deduction.
    assert grid.table.item(0, SAME_COL).text().replace("\xa0", " ") == "1 200"
    data = desk.form.to_data()
    assert data["format_version"] == 2
    assert data["resources"] == [{"person": "a", "type": "self_employment", "self_employment_kind": "services",
                                  "same_every_month": 1200}]
    assert Dossier.from_dict(data).benefits_received == Dossier.load(path).benefits_received


def test_a_version_1_autosave_is_upgraded_when_resumed(qtbot, catalogue, home):
    from aidant_desk import autosave
    from aidant_desk.app.engine_client import EngineClient
    from aidant_desk.app.main_window import MainWindow

    autosave.save({"format_version": 1, "month": MONTH,
                   "people": [{"id": "a", "role": "applicant", "birth_date": "1979-02-03"}],
                   "resources": [{"person": "a", "type": "self_employment", "months": {"2026-10": 400}}]})
    win = MainWindow(catalogue, EngineClient(), MONTH)
    qtbot.addWidget(win)
    qtbot.mouseClick(win.start.resume_button, Qt.MouseButton.LeftButton)
    assert win.form.to_data()["resources"][0]["months"] == {"2026-10": 800}
    win.form.flush()
    assert autosave.read(autosave.autosave_path())["format_version"] == 2


def test_new_questions_show_only_where_they_apply(qtbot, desk):
    qtbot.mouseClick(desk.start.buttons[""], Qt.MouseButton.LeftButton)
    form = desk.form
    shown = lambda w: w.isVisibleTo(desk)  # noqa: E731
    # Housing: each box for the statuses it means something for, both ways.
    expected = {
        "tenant_unfurnished": {"landlord_family", "room_only"},
        "tenant_hostel": {"room_only"},
        "hosted_free": {"hosting_contribution"},
        "first_time_buyer": {"loan_date"},
        "owner": set(),
    }
    for status, fields in expected.items():
        form.housing_status.set_value(status)
        form.apply_visibility()
        visible = {k for k in ("landlord_family", "room_only", "hosting_contribution", "loan_date")
                   if shown(getattr(form, k))}
        assert visible == fields, status

    # People: garde alternée for a child, the ASS condition for a job-seeker, alimony paid by an adult.
    applicant = form.people.rows[0]
    child = form.people.add_person(role="child", birth=QDate(2016, 5, 1))
    assert shown(child.shared_custody) and not shown(applicant.shared_custody)
    assert shown(applicant.alimony_paid) and not shown(child.alimony_paid)
    assert not shown(applicant.ass_work_history)
    applicant.activity.set_value("job_seeker")
    assert shown(applicant.ass_work_history)
    applicant.activity.set_value("employed")
    assert not shown(applicant.ass_work_history)
    child.role.set_value("other")
    assert not shown(child.shared_custody) and shown(child.alimony_paid)
    child.role.set_value("child")
    assert shown(child.shared_custody) and not child.alimony_paid.isEnabled()

    # A life event asks less: room only and alimony paid wait for a full check; the rest is always asked.
    desk.new_dossier()
    qtbot.mouseClick(desk.start.buttons["demenagement"], Qt.MouseButton.LeftButton)
    form.housing_status.set_value("tenant_furnished")
    form.apply_visibility()
    assert shown(form.landlord_family) and not shown(form.room_only)
    applicant = form.people.rows[0]
    assert not shown(applicant.alimony_paid)
    applicant.activity.set_value("job_seeker")
    assert shown(applicant.ass_work_history)
    assert shown(form.notice.toggle)


def test_new_fields_have_french_names_and_help(qtbot, desk):
    qtbot.mouseClick(desk.start.buttons[""], Qt.MouseButton.LeftButton)
    form = desk.form
    row = form.people.rows[0]
    for widget in (row.shared_custody, row.ass_work_history, row.alimony_paid, form.landlord_family, form.room_only,
                   form.hosting_contribution, form.loan_date, form.notice.toggle):
        assert widget.accessibleName(), widget
        assert widget.toolTip() and widget.accessibleDescription(), widget.accessibleName()


def test_the_form_fits_a_small_screen(qtbot, desk, tmp_path):
    """1366 × 768: the people grid needs no sideways scrolling."""
    data = example("couple_trois_enfants").to_dict()
    data["tax_notice_incomes"] = [{"person": data["people"][0]["id"], "wages": 21000}]  # the detail open
    data["benefits_received"] = {"af": {"same_every_month": 300, "months": {"2026-10": 250}}}
    desk.load_dossier(Dossier.from_dict(data))
    qtbot.waitUntil(lambda: desk.form.isVisible())
    assert desk.form.notice.detail.isVisibleTo(desk)
    scroll = desk.form.parentWidget().parentWidget()
    qtbot.waitUntil(lambda: scroll.viewport().width() > 500)
    assert desk.form.minimumSizeHint().width() <= scroll.viewport().width()
    assert scroll.horizontalScrollBar().maximum() == 0
    desk.grab().save(str(tmp_path / "form_1366.png"))


def test_the_first_start_asks_for_the_site_address_and_never_prints_the_placeholder(qtbot, desk):
    assert desk.start.site_banner.isVisibleTo(desk)  # a fresh desk: no address yet
    dialog = desk.open_settings()
    qtbot.addWidget(dialog)
    address = dialog.site_fields["address"]
    assert address.text() == "" and "rue" in address.placeholderText()
    address.setText("5 place de la Gare, 69002 Lyon")
    assert dialog.save()
    assert not desk.start.site_banner.isVisibleTo(desk)
    assert desk.desk.site().place.endswith("5 place de la Gare, 69002 Lyon")


def test_how_an_amount_is_computed_opens_from_the_results(qtbot, window):
    from PySide6.QtWidgets import QLabel

    from aidant_desk.app.results_panel import EXPLAIN_LINK

    window.load_dossier(example("parent_isole_deux_enfants"))
    result = wait_result(qtbot, window)
    links = []
    for i in range(window.results.tree.topLevelItemCount()):
        group = window.results.tree.topLevelItem(i)
        for j in range(group.childCount()):
            item = group.child(j)
            label = window.results.tree.itemWidget(item.child(0), 0) if item.childCount() else None
            if isinstance(label, QLabel) and EXPLAIN_LINK in label.text():
                links.append(item.data(0, Qt.ItemDataRole.UserRole))
    # Every explained money benefit of this dossier offers it, and only those.
    assert sorted(links) == sorted(a.aid_id for a in result.eligible if a.amount and a.aid_id in
                                   EXPLAINED)
    assert "aide_logement" in links
    window.results.explain_requested.emit("aide_logement")
    qtbot.waitUntil(lambda: getattr(window, "explanation_dialog", None) is not None, timeout=ENGINE_TIMEOUT_MS)
    dialog = window.explanation_dialog
    assert dialog.isVisible() and dialog.explanation.aid_id == "aide_logement"
    amount = result.aid("aide_logement").amount
    assert dialog.explanation.total() == pytest.approx(amount, abs=0.01)
    shown = dialog.table.text().replace("\u202f", " ").replace("\u00a0", " ")
    assert f"{amount:,.2f}".replace(",", " ").replace(".", ",") in shown  # the result line, in French figures
