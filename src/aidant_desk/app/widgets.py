"""Small widgets shared by the form: French amounts, labelled combos, keyboard help."""
from __future__ import annotations

import math

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QComboBox, QDateEdit, QLineEdit, QWidget

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


def date_edit(name: str, help_text: str = "") -> QDateEdit:
    """A date typed or picked the French way (28/11/2026)."""
    edit = describe(QDateEdit(), name, help_text)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    edit.setMinimumDate(EARLIEST)
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
    """A combo of (value, French label) pairs."""

    def __init__(self, choices: dict[str, str], name: str, help_text: str = "", parent=None):
        super().__init__(parent)
        describe(self, name, help_text)
        for value, label in choices.items():
            self.addItem(label, value)

    def value(self) -> str:
        return self.currentData()

    def set_value(self, value: str) -> None:
        index = self.findData(value)
        if index >= 0:
            self.setCurrentIndex(index)


def checkbox(text: str, name: str, help_text: str = "") -> QCheckBox:
    return describe(QCheckBox(text), name, help_text)


class EnterMovesOn(QObject):
    """Enter in a field moves to the next one, as Tab does (keyboard-first form)."""

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if isinstance(watched, (QLineEdit, QAbstractSpinBox, QComboBox, QCheckBox)):
                watched.focusNextChild()
                return True
        return False
