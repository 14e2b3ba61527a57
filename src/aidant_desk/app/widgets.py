"""Small widgets shared by the form: French amounts, labelled combos, keyboard help."""
from __future__ import annotations

import math
import re
from datetime import date
from typing import Callable

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, QPoint, QRect, QSize, Qt, QTime, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QComboBox, QDateEdit, QLayout, QLineEdit, QWidget

from ..desk import number

EARLIEST = QDate(1900, 1, 1)  # the first date a date field takes
DATE_SEPARATORS = re.compile(r"[/.\- ]+")
DATE_TYPING = re.compile(r"^[0-9/.\- ]*$")  # what a date may look like while it is typed


def parse_french_date(text: str, today: date, past_only: bool = False) -> date | None:
    """A date typed day first: « 3/5/88 », « 03/05/1988 », « 3-5-1988 », « 3.5.88 », « 03051988 »
    or « 030588 » -> 1988-05-03; None when it is not (yet) a date. A two-digit year is 20xx up
    to this year's two digits, 19xx above; with `past_only` (a birth date) it is never in the future."""
    text = text.strip()
    parts = [p for p in DATE_SEPARATORS.split(text) if p] if DATE_SEPARATORS.search(text) else []
    if not parts and text.isdigit() and len(text) in (6, 8):
        parts = [text[:2], text[2:4], text[4:]]
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    day, month, year = parts
    if len(day) > 2 or len(month) > 2 or len(year) not in (2, 4):
        return None
    short = len(year) == 2
    year_number = int(year)
    if short:
        year_number += 2000 if year_number <= today.year % 100 else 1900
    try:
        typed = date(year_number, int(month), int(day))
    except ValueError:
        return None
    if short and past_only and typed > today:
        try:
            typed = typed.replace(year=typed.year - 100)
        except ValueError:  # 29 February of a year that is not a leap year
            return None
    return typed if typed.year >= EARLIEST.year() else None


def parse_amount(text: str) -> float | None:
    """'1 234,56' or '1234.56' -> 1234.56; '' -> None; raises ValueError otherwise."""
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace("€", "").replace(",", ".")
    if not cleaned:
        return None
    value = float(cleaned)
    if value < 0 or not math.isfinite(value):
        raise ValueError("negative or not a number")
    return value


def amount_text(value: float | None) -> str:
    if value is None:
        return ""
    return number(value, 2).replace(",00", "")


def describe(widget: QWidget, name: str, help_text: str = "") -> QWidget:
    """Every field has an accessible name and a short help."""
    widget.setAccessibleName(name)
    if help_text:
        widget.setToolTip(help_text)
        widget.setAccessibleDescription(help_text)
        widget.setWhatsThis(help_text)
    return widget


class DateEdit(QDateEdit):
    """A date typed day first, as counselors write it: « 3/5/88 », « 03/05/1988 », « 3-5-1988 »
    or « 03051988 » (parse_french_date), shown dd/MM/yyyy once entered. Typing starts the
    date afresh; the earliest date, shown as the special value text, means « not given »;
    the calendar then opens on today, not on 1900. With `past_only` (a birth date), a
    two-digit year is never in the future."""

    past_only = False

    def __init__(self, parent=None):
        super().__init__(parent)
        self._typing = False  # a date is being typed: keys go to the text, not to the sections
        self._typed = ""
        self._before = EARLIEST

    def _blank(self) -> bool:
        return bool(self.specialValueText()) and self.date() == self.minimumDate()

    def _parse(self, text: str) -> date | None:
        typed = parse_french_date(text, date.today(), self.past_only)
        if typed is None:
            return None
        shown = QDate(typed.year, typed.month, typed.day)
        return typed if self.minimumDate() <= shown <= self.maximumDate() else None

    def validate(self, text: str, pos: int):  # Qt API: what the text is worth while typed
        if text == self.specialValueText() and text:
            return QValidator.State.Acceptable, text, pos
        if self._parse(text) is not None:
            return QValidator.State.Acceptable, text, pos
        if DATE_TYPING.match(text) and len(text) <= 10:
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Invalid, text, pos

    def dateTimeFromText(self, text: str) -> QDateTime:  # noqa: N802 - Qt API
        if text == self.specialValueText() and text:
            return QDateTime(self.minimumDate(), QTime(0, 0))
        typed = self._parse(text)
        if typed is None:
            return super().dateTimeFromText(text)
        return QDateTime(QDate(typed.year, typed.month, typed.day), QTime(0, 0))

    def _show_typed(self) -> None:
        """The date as typed so far; once it reads as a date, that is the value."""
        typed = self._parse(self._typed)
        if typed is not None:
            self.setDate(QDate(typed.year, typed.month, typed.day))
        # Shown as typed, not yet as dd/MM/yyyy: the sections' own editing is left out.
        edit = self.lineEdit()
        edit.blockSignals(True)
        edit.setText(self._typed)
        edit.blockSignals(False)

    def finish_typing(self) -> None:
        """The date typed is entered: shown dd/MM/yyyy, or, half typed, the one before kept."""
        if self._typing and self._parse(self._typed) is None:
            self.setDate(self._before)
        self._typing = False
        self.interpretText()

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.finish_typing()
        super().focusOutEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        text = event.text()
        plain = not (event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier))
        if self._typing and self.lineEdit().text() != self._typed:
            self._typing = False  # shown again as a date since: the next key starts afresh
        if plain and text and DATE_TYPING.match(text):
            if not self._typing:  # the first key replaces the whole date (or the blank text)
                self._typing, self._before, self._typed = True, self.date(), ""
            if len(self._typed) < 10:
                self._typed += text
            self._show_typed()
            return
        if self._typing and event.key() == Qt.Key.Key_Backspace:
            self._typed = self._typed[:-1]
            self._show_typed()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.finish_typing()
        super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt API
        blank = self._blank()
        super().mousePressEvent(event)
        if blank and self.calendarPopup():
            today = QDate.currentDate()
            self.calendarWidget().setCurrentPage(today.year(), today.month())


def date_edit(name: str, help_text: str = "", blank_text: str = "", past_only: bool = False) -> QDateEdit:
    """A date typed or picked the French way (28/11/2026, or 28/11/26); with `blank_text`, the
    earliest date shows as that text (« non renseignée ») instead of 01/01/1900."""
    edit = describe(DateEdit(), name, help_text)
    edit.past_only = past_only
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    edit.setMinimumDate(EARLIEST)
    edit.setSpecialValueText(blank_text)
    return edit


class AmountEdit(QLineEdit):
    """A euro amount typed the French way; empty means unknown."""

    valueChanged = Signal()

    def __init__(self, name: str, help_text: str = "", parent=None):
        super().__init__(parent)
        describe(self, name, help_text)
        self.setPlaceholderText("0")
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setMaximumWidth(180)  # a right-aligned amount must stay in view
        self.textChanged.connect(self._check)
        self.textChanged.connect(lambda _: self.valueChanged.emit())

    def _check(self, text: str) -> None:
        try:
            parse_amount(text)
            self.setStyleSheet("")
            self.setToolTip(self.accessibleDescription())
        except ValueError:
            self.setStyleSheet("border: 2px solid #b00020;")
            self.setToolTip("Montant invalide : tapez un nombre, par exemple 1 234,56")

    def value(self) -> float | None:
        try:
            return parse_amount(self.text())
        except ValueError:
            return None

    def is_valid(self) -> bool:
        try:
            parse_amount(self.text())
            return True
        except ValueError:
            return False

    def set_value(self, value: float | None) -> None:
        self.setText(amount_text(value))


CHOOSE = "— à choisir —"  # a combo's first, blank entry: the answer is still to be given


class ChoiceCombo(QComboBox):
    """A combo of (value, French label) pairs; with `letters`, about that many letters wide
    at least (narrow panes), wider when there is room, the list showing the labels in full.
    With `prompt`, a first entry of that text stands for « not answered yet » (value "")."""

    def __init__(self, choices: dict[str, str], name: str, help_text: str = "", parent=None, letters: int = 0,
                 prompt: str = ""):
        super().__init__(parent)
        describe(self, name, help_text)
        if prompt:
            self.addItem(prompt, "")
        for value, label in choices.items():
            self.addItem(label, value)
        if letters:
            self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            self.setMinimumContentsLength(letters)

    def value(self) -> str:
        return self.currentData()

    def set_value(self, value: str | None) -> None:
        index = self.findData("" if value is None else value)
        if index >= 0:
            self.setCurrentIndex(index)


def checkbox(text: str, name: str, help_text: str = "") -> QCheckBox:
    return describe(QCheckBox(text), name, help_text)


class FlowLayout(QLayout):
    """Widgets side by side at their natural size, going on to the next line when the pane
    is too narrow: buttons and check boxes then stay in view instead of being cut."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6, line_spacing: int = 4):
        super().__init__(parent)
        self._items = []
        self.setSpacing(spacing)  # between widgets of a line
        self._line_spacing = line_spacing

    def addItem(self, item) -> None:  # noqa: N802 - Qt API
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):  # noqa: N802 - Qt API
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):  # noqa: N802 - Qt API
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt API
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt API
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def _shown(self) -> list:
        return [item for item in self._items if not item.isEmpty()]  # a hidden widget takes no room

    def _margins(self) -> QSize:
        m = self.contentsMargins()
        return QSize(m.left() + m.right(), m.top() + m.bottom())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """All on one line."""
        sizes = [item.sizeHint() for item in self._shown()]
        width = sum(s.width() for s in sizes) + self.spacing() * max(len(sizes) - 1, 0)
        return QSize(width, max((s.height() for s in sizes), default=0)) + self._margins()

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt API
        """One widget a line: the widest of them."""
        sizes = [item.sizeHint() for item in self._shown()]
        return QSize(max((s.width() for s in sizes), default=0), max((s.height() for s in sizes), default=0)) \
            + self._margins()

    def _arrange(self, rect: QRect, move: bool) -> int:
        """Lays the widgets out in `rect` (or only measures); returns the height taken."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line_height = area.x(), area.y(), 0
        for item in self._shown():
            size = item.sizeHint()
            if x > area.x() and x + size.width() > area.x() + area.width():
                x, y, line_height = area.x(), y + line_height + self._line_spacing, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), size))
            x += size.width() + self.spacing()
            line_height = max(line_height, size.height())
        return y + line_height - rect.y() + m.bottom()


class EnterMovesOn(QObject):
    """Enter in a field moves to the next one, as Tab does (keyboard-first form); with
    `jump`, to the field `jump(field)` names, when it names one (the next question still
    to answer, say)."""

    def __init__(self, parent=None, jump: Callable[[QWidget], Callable[[], None] | None] | None = None):
        super().__init__(parent)
        self._jump = jump

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if isinstance(watched, (QLineEdit, QAbstractSpinBox, QComboBox, QCheckBox)):
                if hasattr(watched, "finish_typing"):
                    watched.finish_typing()  # a date typed « 3/5/88 » is entered before moving on
                go_to = self._jump(watched) if self._jump else None
                if go_to is None:
                    watched.focusNextChild()
                else:
                    go_to()
                return True
        return False
