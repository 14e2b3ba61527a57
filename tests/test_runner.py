"""The one runner for long work: outcomes come back on the GUI thread, a newer
operation of the same key makes the older one stale, failures reach the status bar
in French, and the handout is built, previewed and printed through it."""
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from aidant_desk.app.runner import UNEXPECTED, Operation, Runner
from aidant_desk.desk import Desk, StoreError

from .conftest import MONTH, example


@pytest.fixture
def runner(qapp):
    return Runner()


def test_work_runs_off_the_gui_thread_and_its_outcome_on_it(qtbot, runner):
    seen = {}
    Operation(lambda: threading.current_thread().name, "x").success(
        lambda name: seen.update(worker=name, handler=threading.current_thread().name)).run(runner)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen["worker"] == "aidant-desk-x" and seen["handler"] == threading.main_thread().name


def test_a_newer_operation_of_a_key_makes_the_older_stale(qtbot, runner):
    gate, shown = threading.Event(), []
    Operation(gate.wait, "x").run(runner)  # holds the lane while the next ones queue up
    for n in range(3):
        Operation(lambda n=n: n, "x").supersede("preview").success(shown.append).run(runner)
    gate.set()
    qtbot.waitUntil(lambda: not runner.busy(), timeout=5000)
    assert shown == [2]


def test_an_outcome_for_a_closed_widget_is_dropped(qtbot, runner):
    gate, shown = threading.Event(), []
    widget = QWidget()
    Operation(lambda: gate.wait() and "late", "x", widget).success(shown.append).run(runner)
    widget.deleteLater()
    qtbot.waitUntil(lambda: not __import__("shiboken6").isValid(widget), timeout=5000)
    gate.set()
    qtbot.waitUntil(lambda: not runner.busy(), timeout=5000)
    assert shown == []


@pytest.mark.parametrize("error, expected", [
    (StoreError("La base du poste est illisible."), "La base du poste est illisible."),
    (PermissionError(13, "Permission denied", "/mnt/cle/recap.pdf"), "Lecture ou écriture impossible /mnt/cle/recap.pdf"),
    (KeyError("bug"), UNEXPECTED),
])
def test_a_failure_nobody_handles_reaches_the_status_bar_in_french(qtbot, runner, error, expected):
    def fail():
        raise error

    with qtbot.waitSignal(runner.failed, timeout=5000) as signal:
        Operation(fail, "x").run(runner)
    assert signal.args[0].startswith(expected)


def test_a_store_error_during_sync_is_said_not_swallowed(qtbot, tmp_path, monkeypatch):
    from aidant_desk.app.sync_loop import SyncLoop

    blocker = tmp_path / "fichier"
    blocker.write_text("x", encoding="utf-8")
    runner = Runner()
    loop = SyncLoop(Desk(blocker / "desk.db"), runner)
    with qtbot.waitSignal(runner.failed, timeout=10_000) as failed:
        loop.sync(force=True)
    assert "ne peut pas être ouvert" in failed.args[0]


@pytest.fixture(params=["engine process", "engine stopped"])
def dialog(request, qtbot, tmp_path, engine, catalogue, engine_client):
    """The PDF is built by the engine's process, or here when it has stopped."""
    from aidant_desk.app.engine_client import EngineClient
    from aidant_desk.app.handout_dialog import HandoutDialog

    client = engine_client if request.param == "engine process" else EngineClient()
    qtbot.waitUntil(lambda: client.is_ready or request.param == "engine stopped", timeout=120_000)
    desk = Desk(tmp_path / "desk.db", catalogue=catalogue)
    result = engine.simulate(example("parent_isole_deux_enfants").with_month(MONTH))
    window = HandoutDialog(result, desk, client, [])
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.handout is not None, timeout=60_000)
    return window


def test_unticking_an_aid_rebuilds_the_preview_in_the_background(qtbot, dialog):
    from pypdf import PdfReader
    import io

    first = dialog.aids.item(0)
    label = first.text().split(" — ")[0]
    before = dialog.handout
    first.setCheckState(Qt.CheckState.Unchecked)
    assert not dialog.print_button.isEnabled()  # nothing to print until the new preview is there
    qtbot.waitUntil(lambda: dialog.handout is not before and dialog.print_button.isEnabled(), timeout=30_000)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(dialog.handout.pdf)).pages).replace("\n", " ")
    assert label.split(" (")[0] not in text
    assert len(dialog.preview_images) == len(PdfReader(io.BytesIO(dialog.handout.pdf)).pages)


def test_printing_paints_every_page_and_counts_once(qtbot, dialog, tmp_path):
    from PySide6.QtPrintSupport import QPrinter
    from pypdf import PdfReader
    import io

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "imprime.pdf"))
    for _ in range(2):
        dialog.print_to(printer)
        qtbot.waitUntil(lambda: dialog.status.text() == "Récapitulatif envoyé à l'imprimante.", timeout=60_000)
        dialog.status.setText("")
    pages = len(PdfReader(io.BytesIO(dialog.handout.pdf)).pages)
    assert len(PdfReader(tmp_path / "imprime.pdf").pages) == pages
    rows = dialog.desk.db.execute("SELECT metric, recorded FROM activity_counts").fetchall()
    assert rows == [("handouts", 1)]
