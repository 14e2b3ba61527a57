"""Small widgets shared by the form: French amounts, labelled combos, keyboard help."""
from __future__ import annotations

import math

from PySide6.QtCore import QDate, QEvent, QObject, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import (QAbstractSpinBox, QCheckBox, QComboBox, QDateEdit, QDateTimeEdit, QLayout, QLineEdit,
                               QWidget)

from ..desk import number

EARLIEST = QDate(1900, 1, 1)  # the first date a date field takes


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
    """A date edit whose earliest date, shown as its special value text, means « not given »:
    typing or opening the calendar then starts from today, not from 1900."""

    def _blank(self) -> bool:
        return bool(self.specialValueText()) and self.date() == self.minimumDate()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self._blank() and event.text().isdigit():
            # The special text takes no typing: digits then overwrite today's day, month, year.
            self.setDate(QDate.currentDate())
            self.setSelectedSection(QDateTimeEdit.Section.DaySection)
        super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt API
        blank = self._blank()
        super().mousePressEvent(event)
        if blank and self.calendarPopup():
            today = QDate.currentDate()
            self.calendarWidget().setCurrentPage(today.year(), today.month())


def date_edit(name: str, help_text: str = "", blank_text: str = "") -> QDateEdit:
    """A date typed or picked the French way (28/11/2026); with `blank_text`, the earliest
    date shows as that text (« non renseignée ») instead of 01/01/1900."""
    edit = describe(DateEdit(), name, help_text)
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


class ChoiceCombo(QComboBox):
    """A combo of (value, French label) pairs; with `letters`, about that many letters wide
    at least (narrow panes), wider when there is room, the list showing the labels in full."""

    def __init__(self, choices: dict[str, str], name: str, help_text: str = "", parent=None, letters: int = 0):
        super().__init__(parent)
        describe(self, name, help_text)
        for value, label in choices.items():
            self.addItem(label, value)
        if letters:
            self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            self.setMinimumContentsLength(letters)

    def value(self) -> str:
        return self.currentData()

    def set_value(self, value: str) -> None:
        index = self.findData(value)
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
    """Enter in a field moves to the next one, as Tab does (keyboard-first form)."""

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if isinstance(watched, (QLineEdit, QAbstractSpinBox, QComboBox, QCheckBox)):
                watched.focusNextChild()
                return True
        return False
