"""Dates typed day first, as counselors write them (issue 11, item 4)."""
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from aidant_desk.app.widgets import date_edit, parse_french_date

TODAY = date(2026, 11, 15)


@pytest.mark.parametrize("text", ["3/5/88", "03/05/1988", "3-5-1988", "03051988", "030588", "3.5.88", " 3 / 5 / 88 "])
def test_the_usual_ways_of_typing_a_date(text):
    assert parse_french_date(text, TODAY) == date(1988, 5, 3)


@pytest.mark.parametrize("text,expected", [
    ("1/2/00", date(2000, 2, 1)),
    ("1/2/26", date(2026, 2, 1)),  # up to this year's two digits: 20xx
    ("1/2/27", date(1927, 2, 1)),  # above: 19xx
    ("1/2/99", date(1999, 2, 1)),
    ("1/2/2030", date(2030, 2, 1)),  # four digits: as typed
])
def test_two_digit_years(text, expected):
    assert parse_french_date(text, TODAY) == expected


def test_a_birth_date_is_never_in_the_future():
    assert parse_french_date("1/12/26", TODAY) == date(2026, 12, 1)
    assert parse_french_date("1/12/26", TODAY, past_only=True) == date(1926, 12, 1)
    assert parse_french_date("1/11/26", TODAY, past_only=True) == date(2026, 11, 1)


@pytest.mark.parametrize("text", ["", "3/5", "3/5/", "3/5/198", "31/02/1988", "3/13/88", "0305198", "abc", "3/5/1850",
                                  "123/5/88", "3/5/88/1"])
def test_not_a_date_yet(text):
    assert parse_french_date(text, TODAY) is None


def shown_date_edit(qtbot, name, blank_text, past_only=False):
    """A date field on a shown page, with another field after it for Enter to move to."""
    page = QWidget()
    edit = date_edit(name, blank_text=blank_text, past_only=past_only)
    lines = QVBoxLayout(page)
    lines.addWidget(edit)
    lines.addWidget(QLineEdit())
    qtbot.addWidget(page)
    page.show()
    return page, edit  # the page kept alive with its field


@pytest.mark.parametrize("typed", ["3/5/88", "03/05/1988", "3-5-1988", "03051988"])
def test_the_date_field_takes_them_as_typed(qtbot, typed):
    _, edit = shown_date_edit(qtbot, "Date de naissance", "à saisir", past_only=True)
    edit.setDate(edit.minimumDate())  # as the form shows a date not given yet
    assert edit.text() == "à saisir"
    edit.setFocus()
    qtbot.keyClicks(edit, typed)
    assert edit.date() == QDate(1988, 5, 3)
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # entered: shown the French way
    assert edit.text() == "03/05/1988" and edit.date() == QDate(1988, 5, 3)
    # Typed again, the new date replaces the whole of the old one.
    qtbot.keyClicks(edit, "1/2/03")
    assert edit.date() == QDate(2003, 2, 1)


def test_a_half_typed_date_keeps_the_one_before(qtbot):
    _, edit = shown_date_edit(qtbot, "Date d'emménagement", "non renseignée")
    edit.setDate(QDate(2021, 9, 1))
    edit.setFocus()
    qtbot.keyClicks(edit, "3/5")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert edit.text() == "01/09/2021"
    assert edit.date() == QDate(2021, 9, 1)
