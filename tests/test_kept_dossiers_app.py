"""Kept dossiers in the app, end to end on real widgets, with a fresh store per test:
save (name and consent), find (type to filter, Enter to open), resume, export, import,
delete, and the purge at start."""
from datetime import datetime, timedelta, timezone

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from aidant_desk.app.kept_dossiers import COLUMNS
from aidant_desk.desk import Desk
from aidant_desk.dossier import Dossier

from .conftest import MONTH, example
from .test_app import ENGINE_TIMEOUT_MS, home  # noqa: F401 - home is a fixture
from .test_kept_dossiers import tamper_results

NAME = "Amandine Quesnel"


def open_window(qtbot, catalogue, engine_client, desk=None):
    from aidant_desk.app.main_window import MainWindow

    window = MainWindow(catalogue, engine_client, MONTH, desk=desk)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: engine_client.is_ready, timeout=ENGINE_TIMEOUT_MS)
    return window


def keep_as(qtbot, dialog, name: str, consent: bool = True) -> None:
    """Types the name, ticks the consent and presses « Enregistrer » in the keep dialog."""
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, name)
    if consent:
        qtbot.mouseClick(dialog.consent, Qt.MouseButton.LeftButton)
    save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)


def rows(window) -> list[str]:
    table = window.start.kept.table
    return [table.item(row, 0).text() for row in range(table.rowCount())]


def button(panel, text):
    from PySide6.QtWidgets import QPushButton

    return next(b for b in panel.findChildren(QPushButton) if b.text() == text)


def test_keep_find_with_the_keyboard_and_resume(qtbot, catalogue, engine_client, home):
    window = open_window(qtbot, catalogue, engine_client)
    assert rows(window) == [] and window.start.kept.empty.isVisibleTo(window)
    window.load_dossier(example("parent_isole_deux_enfants"))
    qtbot.waitUntil(lambda: window.results.result is not None, timeout=ENGINE_TIMEOUT_MS)
    dialog = window.keep()
    keep_as(qtbot, dialog, "", consent=False)  # neither name nor consent: refused, said why
    assert dialog.isVisible() and "donnez un nom" in dialog.problem.text() and "accord" in dialog.problem.text()
    keep_as(qtbot, dialog, NAME)
    assert not dialog.isVisible() and window.kept_id is not None
    assert window.windowTitle() == f"Aidant Desk — {NAME}"
    # Saved again: same dossier, no question asked.
    window.form.rent.setText("700")
    window.form.flush()
    assert window.keep() is None
    assert rows(window) == [NAME]
    window.close()

    again = open_window(qtbot, catalogue, engine_client)
    assert rows(again) == [NAME]
    assert again.start.kept.table.item(0, 2).text().isdigit()  # the aids found at the last results
    again.start.kept.search.setFocus()
    qtbot.keyClicks(again.start.kept.search, "quesn")
    assert rows(again) == [NAME]
    qtbot.keyClick(again.start.kept.search, Qt.Key.Key_Return)
    assert again.pages.currentWidget() is again.work
    assert again.form.rent.value() == 700 and again.windowTitle() == f"Aidant Desk — {NAME}"
    again.new_dossier()
    again.start.kept.search.clear()
    qtbot.keyClicks(again.start.kept.search, "zzz")
    assert rows(again) == [] and again.start.kept.empty.text() == "Aucun dossier ne correspond."


def test_export_import_and_delete_from_the_list(qtbot, catalogue, engine_client, home, monkeypatch, tmp_path):
    desk = Desk(home / "desk.db", catalogue=catalogue)
    dossier = example("retraite_petite_pension")
    from aidant_desk.desk import Consent

    desk.dossiers.save("Bernard Martin", dossier, Consent(True))
    window = open_window(qtbot, catalogue, engine_client, desk)
    panel = window.start.kept
    assert rows(window) == ["Bernard Martin"]

    exported = tmp_path / "export" / "bernard.json"
    exported.parent.mkdir()
    monkeypatch.setattr(window, "choose_path", lambda *_args, **_kwargs: exported)
    qtbot.mouseClick(button(panel, "Exporter en fichier…"), Qt.MouseButton.LeftButton)
    assert Dossier.load(exported) == dossier

    qtbot.mouseClick(button(panel, "Importer un fichier…"), Qt.MouseButton.LeftButton)
    keep_as(qtbot, window.keep_dialog, "Bernard Martin (import)")
    assert rows(window) == ["Bernard Martin (import)", "Bernard Martin"]

    panel.table.selectRow(1)
    qtbot.mouseClick(button(panel, "Supprimer…"), Qt.MouseButton.LeftButton)
    assert "Bernard Martin" in window.confirm_box.text()
    qtbot.mouseClick(window.confirm_box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert rows(window) == ["Bernard Martin (import)"]
    assert [k.name for k in desk.dossiers.list()] == ["Bernard Martin (import)"]


def test_the_window_purges_expired_dossiers_at_start(qtbot, catalogue, engine_client, home):
    from aidant_desk.desk import Consent

    then = datetime(2025, 10, 1, 9, 0, tzinfo=timezone.utc)
    with Desk(home / "desk.db", catalogue=catalogue, now=lambda: then) as old:
        old.dossiers.save("Vu il y a longtemps", example("retraite_petite_pension"), Consent(True))
        old.dossiers.save("Vu récemment", example("retraite_petite_pension"), Consent(True))
        old.db.execute("UPDATE dossiers SET updated_at = ? WHERE id = 2",
                       [(then + timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%SZ")])
        old.db.conn.commit()
    today = then + timedelta(days=400)  # 13 months after the first save
    window = open_window(qtbot, catalogue, engine_client, Desk(home / "desk.db", catalogue=catalogue,
                                                                now=lambda: today))
    assert rows(window) == ["Vu récemment"]
    assert "1 dossier(s) arrivé(s) au bout de leur durée de conservation" in window.statusBar().currentMessage()


def test_recheck_runs_in_the_background_and_says_what_changed(qtbot, catalogue, engine_client, engine, home):
    from aidant_desk.desk import Consent

    desk = Desk(home / "desk.db", catalogue=catalogue)
    dossier = example("retraite_petite_pension")
    kept = desk.dossiers.save("Bernard Martin", dossier, Consent(True), engine.simulate(dossier), catalogue.fingerprint)
    tamper_results(desk, kept, lambda content: content["results"].update(aspa=["eligible", 10.0]))  # older rules
    window = open_window(qtbot, catalogue, engine_client, desk)
    panel = window.start.kept
    assert panel.table.item(0, COLUMNS.index("Règles")).text() == "à revérifier"
    qtbot.mouseClick(panel.recheck_button, Qt.MouseButton.LeftButton)
    assert not panel.recheck_button.isEnabled() and panel.progress.isVisibleTo(window)
    qtbot.waitUntil(lambda: panel.report.isVisibleTo(window), timeout=ENGINE_TIMEOUT_MS)
    text = panel.report.text()
    assert text.startswith("1 dossier(s) revérifié(s) ; des aides changent pour 1.")
    assert "• Bernard Martin (novembre 2026) — Allocation de solidarité aux personnes âgées : 10,00" in text
    assert panel.table.item(0, COLUMNS.index("Règles")).text() == "à jour" and panel.recheck_button.isEnabled()
    assert panel.progress.maximum() == 1 and panel.progress.value() == 1


def test_the_retention_is_set_in_the_settings(qtbot, catalogue, engine_client, home):
    window = open_window(qtbot, catalogue, engine_client)
    dialog = window.open_settings()
    qtbot.addWidget(dialog)
    assert dialog.retention.value() == 12 and dialog.retention.maximum() == 24
    from PySide6.QtWidgets import QLabel

    assert any(label.text() == f"Clé de chiffrement : {home / 'dossiers.key'}" for label in dialog.findChildren(QLabel))
    dialog.retention.setValue(6)
    assert dialog.save()
    assert window.desk.dossiers.retention_months() == 6


def test_a_kept_persons_next_appointment_is_in_the_list_and_the_consent_on_the_handout(
        qtbot, catalogue, engine_client, home, tmp_path):
    import re
    from datetime import date

    from PySide6.QtCore import QDate
    from pypdf import PdfReader

    window = open_window(qtbot, catalogue, engine_client)
    window.load_dossier(example("parent_isole_deux_enfants"))
    qtbot.waitUntil(lambda: window.results.result is not None, timeout=ENGINE_TIMEOUT_MS)
    keep_as(qtbot, window.keep(), NAME)
    column = COLUMNS.index("Prochain rendez-vous")
    assert window.start.kept.table.item(0, column).text() == "—"
    # Booked after keeping: noted in the kept dossier.
    panel = window.agenda_panel
    monday = date.today() + timedelta(days=7 - date.today().weekday())  # next Monday: the desk is open
    panel.day.setDate(QDate(monday.year, monday.month, monday.day))
    booked = panel.book_desk()
    assert booked is not None
    start = booked.start
    expected = f"{start:%d/%m/%Y} {start.hour} h" + (f" {start.minute:02d}" if start.minute else "")
    shown = window.start.kept.table.item(0, column).text().replace("\xa0", " ")
    assert shown == f"{expected}, {booked.with_whom}"

    dialog = window.open_handout()
    qtbot.addWidget(dialog)
    text = re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(dialog.save(tmp_path / "r.pdf")).pages))
    assert f"Dossier gardé ici avec votre accord du {date.today():%d/%m/%Y}. Vous pouvez demander à l'effacer." in text
    window.close()
