"""Each field of the form declared once, as a Field in a table: the widgets, their change
signals, reading the dossier JSON off them and filling them from it all come from the
table. Labels, help and visibility stay in rules/questions.yaml, under the same key."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import QDoubleSpinBox, QLineEdit, QWidget

from .widgets import EARLIEST, AmountEdit, ChoiceCombo, checkbox, date_edit, describe

# What to_data() does with an answer left empty (a box not ticked, an amount not typed...).
ALWAYS = "always"  # written all the same: the dossier's own default then
GIVEN = "given"  # left out
APPLIES = "applies"  # left out, and so is any answer while its visible_when does not hold


class Kind:
    """A kind of widget: how it is made, which signal says it changed, how it is read and
    filled. `empty` is what it reads when nothing is answered."""

    signal = ""
    empty: Any = None

    def make(self, name: str, help_text: str, owner) -> QWidget:
        raise NotImplementedError

    def get(self, widget):
        raise NotImplementedError

    def set(self, widget, value) -> None:
        raise NotImplementedError


class Choice(Kind):
    signal = "currentIndexChanged"

    def __init__(self, choices: dict[str, str], letters: int = 0, prompt: str = ""):
        # With `prompt`, a first blank entry (value ""): the answer must be chosen, never assumed.
        self.choices, self.letters, self.prompt = choices, letters, prompt
        if prompt:
            self.empty = ""

    def make(self, name, help_text, owner):
        return ChoiceCombo(self.choices, name, help_text, letters=self.letters, prompt=self.prompt)

    def get(self, widget):
        return widget.value()

    def set(self, widget, value):
        widget.set_value(value)


class Check(Kind):
    signal, empty = "toggled", False

    def __init__(self, text: str):
        self.text = text  # beside the box; the accessible name says more

    def make(self, name, help_text, owner):
        return checkbox(self.text, name, help_text)

    def get(self, widget):
        return widget.isChecked()

    def set(self, widget, value):
        widget.setChecked(bool(value))


class Amount(Kind):
    signal = "valueChanged"

    def __init__(self, blank: float | None = 0.0, width: int = 0, placeholder: str = ""):
        # What an empty field means: nothing (0), or not known (None: the engine estimates it).
        self.empty, self.width, self.placeholder = blank, width, placeholder

    def make(self, name, help_text, owner):
        edit = AmountEdit(name, help_text)
        if self.width:
            edit.setMaximumWidth(self.width)
        if self.placeholder:
            edit.setPlaceholderText(self.placeholder)
        return edit

    def get(self, widget):
        value = widget.value()
        return self.empty if value is None else value

    def set(self, widget, value):
        widget.set_value(None if value == self.empty else value)


class Date(Kind):
    """A date as ISO text; the earliest date the edit takes stands for "not given", and
    shows as `blank_text` (a date the dossier may leave out), not as 01/01/1900."""

    signal, empty = "dateChanged", EARLIEST.toString(Qt.DateFormat.ISODate)

    def __init__(self, blank_text: str = "", past_only: bool = False):
        # `past_only`: a two-digit year typed is never in the future (a birth date).
        self.blank_text, self.past_only = blank_text, past_only

    def make(self, name, help_text, owner):
        return date_edit(name, help_text, self.blank_text, self.past_only)

    @staticmethod
    def blank(widget) -> bool:
        """Nothing typed yet: the earliest date, shown as the blank text."""
        return widget.date() == widget.minimumDate()

    def get(self, widget):
        return widget.date().toString(Qt.DateFormat.ISODate)

    def set(self, widget, value):
        widget.setDate(QDate.fromString(value, Qt.DateFormat.ISODate) if value else widget.minimumDate())


class Text(Kind):
    signal, empty = "textChanged", ""

    def __init__(self, width: int = 0):
        self.width = width

    def make(self, name, help_text, owner):
        edit = describe(QLineEdit(), name, help_text)
        if self.width:
            edit.setMaximumWidth(self.width)
        return edit

    def get(self, widget):
        return widget.text().strip()

    def set(self, widget, value):
        widget.setText(value or "")


class Percent(Kind):
    signal = "valueChanged"

    def make(self, name, help_text, owner):
        spin = describe(QDoubleSpinBox(), name, help_text)
        spin.setDecimals(1)
        spin.setLocale(QLocale(QLocale.Language.French, QLocale.Country.France))  # 80,0 %
        spin.setRange(0, 100)
        spin.setSuffix(" %")
        spin.setButtonSymbols(QDoubleSpinBox.ButtonSymbols.NoButtons)  # typed; narrow column
        return spin

    def get(self, widget):
        return widget.value()

    def set(self, widget, value):
        widget.setValue(float(value))


class Editor(Kind):
    """A widget of its own (the people, the resources grid...): `changed`, to_data(),
    set_data(). `factory(owner, help_text)` makes it."""

    signal = "changed"

    def __init__(self, factory: Callable[[Any, str], QWidget], empty: Any = None):
        self.factory, self.empty = factory, empty

    def make(self, name, help_text, owner):
        return self.factory(owner, help_text)

    def get(self, widget):
        return widget.to_data()

    def set(self, widget, value):
        widget.set_data(value)


@dataclass(frozen=True)
class Field:
    key: str  # question id in rules/questions.yaml, and the answer's path in the dossier JSON
    attr: str  # the widget's attribute on its owner: form.rent, row.birth
    kind: Kind
    name: str = ""  # accessible name, when not the question's label
    help: str = ""  # help, when questions.yaml gives none
    default: Any = None  # the answer when the dossier leaves it out
    save: str = ALWAYS


class FieldTable:
    """The fields of one owner (the form, a person row), in the order they show."""

    def __init__(self, *fields: Field):
        self.fields = fields
        self._by_key = {f.key: f for f in fields}

    def __iter__(self):
        return iter(self.fields)

    def make(self, owner, questions: dict) -> None:
        """Each field's widget, set as the owner's attribute."""
        for f in self.fields:
            q = questions.get(f.key)
            name = f.name or (q.label if q else f.key)
            setattr(owner, f.attr, f.kind.make(name, (q.help if q else "") or f.help, owner))

    def signals(self, owner) -> list:
        return [getattr(getattr(owner, f.attr), f.kind.signal) for f in self.fields]

    def value(self, owner, key: str):
        """The current answer to a question, for visible_when rules (None: not a field here)."""
        f = self._by_key.get(key)
        return f.kind.get(getattr(owner, f.attr)) if f else None

    def read(self, owner, applies: Callable[[str], bool]) -> dict:
        """The answers as nested JSON, each at its key's path ("housing.rent")."""
        data: dict = {}
        for f in self.fields:
            value = f.kind.get(getattr(owner, f.attr))
            if f.save == ALWAYS or (value != f.kind.empty and (f.save == GIVEN or applies(f.key))):
                *parents, last = f.key.split(".")
                node = data
                for part in parents:
                    node = node.setdefault(part, {})
                node[last] = value
        return data

    def fill(self, owner, data: dict) -> None:
        """Fill the widgets from nested JSON; what it leaves out takes the field's default."""
        for f in self.fields:
            *parents, last = f.key.split(".")
            node = data
            for part in parents:
                node = node.get(part) or {}
            f.kind.set(getattr(owner, f.attr), node.get(last, f.default))
