"""The form fits its pane on a laptop screen (issue 11, item 4): at 1366×768 and 1280×720,
no sideways scrolling and no field, button or label cut at the pane's right edge."""
import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QWidget,
)

from .conftest import MONTH, example

ENGINE_TIMEOUT_MS = 120_000
SIZES = [(1366, 768), (1280, 720)]
LOADED = ["parent_isole_deux_enfants", "couple_trois_enfants"]
# What a counselor reads or clicks; a table's cells are checked by the table's own scrolling.
SHOWN_TYPES = (QLabel, QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("AIDANT_DESK_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture(params=SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def window(request, qtbot, engine_client, catalogue, home):
    from aidant_desk.app.main_window import MainWindow

    win = MainWindow(catalogue, engine_client, MONTH)
    qtbot.addWidget(win)
    win.resize(*request.param)
    win.show()
    qtbot.waitUntil(lambda: engine_client.is_ready, timeout=ENGINE_TIMEOUT_MS)
    return win


def form_pane(win) -> QScrollArea:
    return next(area for area in win.work.findChildren(QScrollArea) if area.widget() is win.form)


def in_a_table(widget: QWidget, form: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not form:
        if isinstance(parent, QAbstractItemView):
            return True
        parent = parent.parentWidget()
    return False


def what(widget: QWidget) -> str:
    text = widget.text() if hasattr(widget, "text") else ""
    return f"{type(widget).__name__} « {widget.accessibleName() or text} »"


def layout_problems(qtbot, win) -> list[str]:
    qtbot.wait(20)  # the layouts are redone on the next turn of the event loop
    pane = form_pane(win)
    viewport = pane.viewport()
    bar = pane.horizontalScrollBar()
    problems = []
    if bar.isVisible() or bar.maximum() > 0:
        problems.append(f"the form scrolls sideways by {bar.maximum()} px")
    for widget in win.form.findChildren(QWidget):
        if not isinstance(widget, SHOWN_TYPES) or not widget.isVisibleTo(win.form) or in_a_table(widget, win.form):
            continue
        left = widget.mapTo(viewport, QPoint(0, 0)).x()
        right = left + widget.width()
        if left < 0 or right > viewport.width():
            problems.append(f"{what(widget)} spans {left}..{right}, the pane 0..{viewport.width()}")
        if isinstance(widget, QLabel) and not widget.wordWrap() and widget.sizeHint().width() > widget.width():
            problems.append(f"{what(widget)} cut: {widget.width()} px of {widget.sizeHint().width()}")
    return problems


def test_a_new_dossier_fits_the_pane(qtbot, window):
    qtbot.mouseClick(window.start.buttons[""], Qt.MouseButton.LeftButton)
    assert layout_problems(qtbot, window) == []


@pytest.mark.parametrize("name", LOADED)
def test_a_loaded_dossier_fits_the_pane(qtbot, window, name):
    window.load_dossier(example(name))
    qtbot.waitUntil(lambda: window.results.result is not None, timeout=ENGINE_TIMEOUT_MS)  # results shown too
    assert layout_problems(qtbot, window) == []


def test_every_life_event_fits_the_pane(qtbot, window, catalogue):
    for event in catalogue.life_events:
        window.new_dossier()
        qtbot.mouseClick(window.start.buttons[event.id], Qt.MouseButton.LeftButton)
        assert layout_problems(qtbot, window) == [], event.id


def test_the_tax_notice_detail_fits_the_pane(qtbot, window):
    window.load_dossier(example("couple_trois_enfants"))
    window.form.notice.toggle.setChecked(True)
    assert layout_problems(qtbot, window) == []


@pytest.mark.parametrize("name", LOADED)
def test_the_current_month_shows_without_scrolling_the_resources(qtbot, window, name):
    window.load_dossier(example(name))
    qtbot.wait(20)
    table = window.form.resources.table
    current = table.columnCount() - 1  # the columns are oldest first
    left = table.columnViewportPosition(current)
    assert "mois en cours" in table.horizontalHeaderItem(current).text()
    assert 0 <= left and left + table.columnWidth(current) <= table.viewport().width()


def test_a_new_dossier_shows_no_move_in_date(qtbot, window):
    qtbot.mouseClick(window.start.buttons["demenagement"], Qt.MouseButton.LeftButton)
    move_in = window.form.move_in
    assert move_in.isVisibleTo(window)
    assert "1900" not in move_in.text() and move_in.text() == "non renseignée"
    assert "move_in_date" not in window.form.to_data()["housing"]
    # Typed from the blank state, the date is taken as typed.
    move_in.setFocus()
    qtbot.keyClicks(move_in, "01092021")
    assert move_in.date() == QDate(2021, 9, 1)
    assert window.form.to_data()["housing"]["move_in_date"] == "2021-09-01"
