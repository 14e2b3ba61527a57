"""Resources as a grid (one row per person and resource type, the 12 previous months
and the current one), the benefits already received, and the detail of the tax notice."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..desk import (AMOUNT_BASES, GROSS_TYPES, HISTORY_MONTHS, NOTICE_INCOMES, RESOURCE_TYPES, SELF_EMPLOYMENT_KINDS,
                    Catalogue, add_months, window)
from .widgets import AmountEdit, ChoiceCombo, FlowLayout, amount_text, checkbox, describe, parse_amount

SHORT_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
# The columns before the month columns (oldest month first): their headers give their indices.
# Headers go on two lines to keep the columns narrow, so the current month's shows beside them.
HEADERS = ("Personne", "Ressource", "Nature", "Même\nmontant")
PERSON_COL, TYPE_COL, NATURE_COL, SAME_COL = range(len(HEADERS))
FIRST_MONTH_COL = len(HEADERS)
# The benefits editor shows the months before the simulated one that the RSA and the
# prime d'activité look back on; other months of a loaded dossier are kept as they are.
BENEFIT_MONTHS = 3


def nature_choices(rtype: str) -> dict[str, str]:
    """What the amounts of a resource are: net or gross, or a self-employed activity's turnover."""
    if rtype == "self_employment":
        return SELF_EMPLOYMENT_KINDS
    if rtype in GROSS_TYPES:
        return AMOUNT_BASES
    return {"net": AMOUNT_BASES["net"]}


def short_month(month: str) -> str:
    return f"{SHORT_MONTHS[int(month[5:]) - 1]} {month[2:4]}"


class _TableEditor(QWidget):
    """A table with its buttons underneath; removing the selected row is a change."""

    changed = Signal()

    def _lay_out(self, *buttons: QPushButton) -> None:
        row = FlowLayout()  # the buttons go on two lines in a narrow pane
        for b in buttons:
            row.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(row)

    def _remove_current(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.changed.emit()


class ResourcesGrid(_TableEditor):

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = QTableWidget(0, FIRST_MONTH_COL + HISTORY_MONTHS + 1)
        describe(self.table, "Ressources par personne et par mois",
                 "Montants nets, ou bruts pour un salaire, le chômage ou une retraite (colonne « Nature ») ; "
                 "pour un indépendant, le chiffre d'affaires et le genre d'activité. "
                 "« Même montant » remplit les 13 mois ; chaque mois peut ensuite être corrigé.")
        self.table.verticalHeader().setVisible(False)
        # Typing in a cell edits it, as in a spreadsheet.
        self.table.setEditTriggers(self.table.editTriggers() | QTableWidget.EditTrigger.AnyKeyPressed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Shown the current month first, then back in time: it is in view without scrolling
        # the table. The columns themselves stay oldest first.
        newest_first = range(self.table.columnCount() - 1, FIRST_MONTH_COL - 1, -1)
        for visual, column in enumerate(newest_first, start=FIRST_MONTH_COL):
            header.moveSection(header.visualIndex(column), visual)
        self.table.setMinimumHeight(150)
        self.add_button = describe(QPushButton("Ajouter une ressource"), "Ajouter une ressource")
        self.remove_button = describe(QPushButton("Retirer la ligne"), "Retirer la ressource sélectionnée")
        self.copy_button = describe(QPushButton("Copier le mois en cours vers les mois précédents"),
                                    "Copier le mois en cours vers les 12 mois précédents")
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self._remove_current)
        self.copy_button.clicked.connect(self.copy_to_previous_months)
        self.table.itemChanged.connect(self._item_changed)
        self._lay_out(self.add_button, self.remove_button, self.copy_button)
        self.months: list[str] = []
        self._people: list[tuple[str, str]] = []
        self._filling = False

    # --- columns --------------------------------------------------------------------
    def set_month(self, month: str) -> None:
        """Months are columns oldest first (shown newest first); data is kept by month when M changes."""
        data = self.to_data() if self.months else []
        self.months = window(month, HISTORY_MONTHS)
        headers = list(HEADERS) + [short_month(m) for m in self.months]
        headers[-1] += "\nmois en cours"
        self.table.setHorizontalHeaderLabels(headers)
        if data:
            self.set_data(data)

    def set_people(self, people: list[tuple[str, str]]) -> None:
        """New names in the person combos; the rows of a person removed go with them."""
        self._people = people
        present = {pid for pid, _ in people}
        for row in reversed(range(self.table.rowCount())):
            if self.table.cellWidget(row, PERSON_COL).value() not in present:
                self.table.removeRow(row)
                self.changed.emit()
        for row in range(self.table.rowCount()):
            combo = self.table.cellWidget(row, PERSON_COL)
            current = combo.value()
            combo.blockSignals(True)
            combo.clear()
            for pid, label in people:
                combo.addItem(label, pid)
            combo.set_value(current)
            combo.blockSignals(False)

    # --- rows -----------------------------------------------------------------------
    def add_row(self, person: str | None = None, rtype: str = "wages", nature: str | None = None) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        # Narrow combos: the current month's column stays in view beside them.
        who = ChoiceCombo({pid: label for pid, label in self._people}, "Personne qui perçoit la ressource", letters=8)
        if person:
            who.set_value(person)
        kind = ChoiceCombo(RESOURCE_TYPES, "Type de ressource", letters=14)
        kind.set_value(rtype)
        what = ChoiceCombo({}, "Nature des montants",
                           "Nets ou bruts (salaire, chômage, retraite) ; pour un indépendant, le chiffre d'affaires "
                           "de prestations de services, de vente de marchandises ou d'une profession libérale.")
        self._set_natures(what, kind.value(), nature)
        who.currentIndexChanged.connect(lambda *_: self.changed.emit())
        kind.currentIndexChanged.connect(lambda *_: self._type_changed(kind, what))
        what.currentIndexChanged.connect(lambda *_: self.changed.emit())
        self.table.setCellWidget(row, PERSON_COL, who)
        self.table.setCellWidget(row, TYPE_COL, kind)
        self.table.setCellWidget(row, NATURE_COL, what)
        self._filling = True
        for col in range(SAME_COL, self.table.columnCount()):
            self.table.setItem(row, col, QTableWidgetItem(""))
        self._filling = False
        self.changed.emit()
        return row

    def rows_of(self, person: str) -> list[int]:
        return [row for row in range(self.table.rowCount()) if self.table.cellWidget(row, PERSON_COL).value() == person]

    def empty_row(self, row: int) -> bool:
        return not any(self._cell(row, col).strip() for col in range(SAME_COL, self.table.columnCount()))

    def focus_amount(self, row: int) -> None:
        """The row's « Même montant » cell, ready to type in."""
        self.table.setCurrentCell(row, SAME_COL)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    @staticmethod
    def _set_natures(combo: ChoiceCombo, rtype: str, current: str | None) -> None:
        choices = nature_choices(rtype)
        combo.blockSignals(True)
        combo.clear()
        for value, label in choices.items():
            combo.addItem(label, value)
        combo.set_value(current if current in choices else next(iter(choices)))
        combo.setEnabled(len(choices) > 1)
        combo.blockSignals(False)

    def _type_changed(self, kind: ChoiceCombo, what: ChoiceCombo) -> None:
        self._set_natures(what, kind.value(), what.value())
        self.changed.emit()

    def _cell(self, row: int, col: int) -> str:
        item = self.table.item(row, col)
        return item.text() if item else ""

    def _set_cell(self, row: int, col: int, text: str) -> None:
        item = self.table.item(row, col)
        if item is None:
            self.table.setItem(row, col, QTableWidgetItem(text))
        else:
            item.setText(text)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        if item.column() == SAME_COL:
            self.fill_row(item.row(), item.text())
        self.changed.emit()

    def fill_row(self, row: int, text: str) -> None:
        """'Même montant chaque mois': the 13 months take the same amount."""
        self._filling = True
        for col in range(FIRST_MONTH_COL, self.table.columnCount()):
            self._set_cell(row, col, text)
        self._filling = False

    def copy_to_previous_months(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        self.fill_row(row, self._cell(row, self.table.columnCount() - 1))
        self.changed.emit()

    # --- data -----------------------------------------------------------------------
    def problems(self) -> list[str]:
        out = []
        for row in range(self.table.rowCount()):
            for col in range(SAME_COL, self.table.columnCount()):
                try:
                    parse_amount(self._cell(row, col))
                except ValueError:
                    header = self.table.horizontalHeaderItem(col).text().replace("\n", " ")
                    out.append(f"Ressources, ligne {row + 1}, {header} : montant invalide « {self._cell(row, col)} »")
        return out

    def _amounts(self, row: int) -> list[float]:
        values = []
        for col in range(FIRST_MONTH_COL, self.table.columnCount()):
            try:
                values.append(parse_amount(self._cell(row, col)) or 0.0)
            except ValueError:
                values.append(0.0)
        return values

    def to_data(self) -> list[dict]:
        data = []
        for row in range(self.table.rowCount()):
            amounts = self._amounts(row)
            if not any(amounts):
                continue
            rtype = self.table.cellWidget(row, TYPE_COL).value()
            nature = self.table.cellWidget(row, NATURE_COL).value()
            entry = {"person": self.table.cellWidget(row, PERSON_COL).value(), "type": rtype}
            if rtype == "self_employment":
                entry["self_employment_kind"] = nature
            elif nature == "gross":
                entry["basis"] = "gross"
            if len(set(amounts)) == 1:
                entry["same_every_month"] = amounts[0]
            else:
                entry["months"] = {m: a for m, a in zip(self.months, amounts) if a}
            data.append(entry)
        return data

    def set_data(self, resources: list[dict]) -> None:
        self._filling = True
        self.table.setRowCount(0)
        self._filling = False
        for r in resources:
            if r["type"] == "self_employment":
                nature = r.get("self_employment_kind", "services")
            else:
                nature = r.get("basis", "net")
            row = self.add_row(r["person"], r["type"], nature)
            self._filling = True
            same = r.get("same_every_month")
            months = r.get("months", {})
            for col, month in enumerate(self.months, start=FIRST_MONTH_COL):
                value = months.get(month, same or 0.0)
                self._set_cell(row, col, amount_text(value) if value else "")
            if same is not None and not months:
                self._set_cell(row, SAME_COL, amount_text(same))
            self._filling = False


class BenefitsEditor(_TableEditor):
    """Benefits the household already receives: aid, monthly amount, and the amounts of
    the months before the simulated one when they differ (empty: the same)."""

    HEADERS = ("Aide", "Chaque mois")  # then the months, oldest first
    AMOUNT_COL, FIRST_MONTH_COL = 1, len(HEADERS)

    def __init__(self, catalogue: Catalogue, parent=None):
        super().__init__(parent)
        self._choices = {a.id: a.label for a in catalogue.aids if a.periodicity == "mensuelle"}
        self.table = QTableWidget(0, self.FIRST_MONTH_COL + BENEFIT_MONTHS)
        describe(self.table, "Aides déjà perçues",
                 "Les aides que la personne touche déjà : le montant de chaque mois, puis, s'il était différent, "
                 "celui des 3 mois précédents (vide : le même montant ; 0 : rien versé ce mois-là).")
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(140)
        self.table.itemChanged.connect(lambda _: self.changed.emit())
        add = describe(QPushButton("Ajouter une aide perçue"), "Ajouter une aide déjà perçue")
        remove = describe(QPushButton("Retirer"), "Retirer l'aide perçue sélectionnée")
        add.clicked.connect(lambda: self.add_row())
        remove.clicked.connect(self._remove_current)
        self._lay_out(add, remove)
        self.months: list[str] = []

    def set_month(self, month: str) -> None:
        """The month columns are the BENEFIT_MONTHS before M; amounts stay on their months."""
        data = self.to_data() if self.months else {}
        self.months = [add_months(month, -n) for n in range(BENEFIT_MONTHS, 0, -1)]
        self.table.setHorizontalHeaderLabels(list(self.HEADERS) + [short_month(m) for m in self.months])
        for col in range(self.FIRST_MONTH_COL, self.table.columnCount()):
            self.table.horizontalHeaderItem(col).setToolTip(
                "Montant de ce mois s'il était différent ; vide : le même que chaque mois.")
        if data:
            self.set_data(data)

    def add_row(self, aid_id: str | None = None, amount: float | None = None,
                months: dict[str, float] | None = None) -> int:
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        combo = ChoiceCombo(self._choices, "Aide perçue")
        if aid_id:
            combo.set_value(aid_id)
        combo.currentIndexChanged.connect(lambda *_: self.changed.emit())
        self.table.setCellWidget(row, 0, combo)
        months = dict(months or {})
        same = QTableWidgetItem(amount_text(amount))
        for col, month in enumerate(self.months, start=self.FIRST_MONTH_COL):
            value = months.pop(month, None)
            self.table.setItem(row, col, QTableWidgetItem(amount_text(value)))
        # Months outside the columns (a file may give a year of them) go back out unchanged.
        same.setData(Qt.ItemDataRole.UserRole, months)
        self.table.setItem(row, self.AMOUNT_COL, same)
        self.table.blockSignals(False)
        self.changed.emit()
        return row

    def _text(self, row: int, col: int) -> str:
        item = self.table.item(row, col)
        return item.text() if item else ""

    def problems(self) -> list[str]:
        out = []
        for row in range(self.table.rowCount()):
            for col in range(self.AMOUNT_COL, self.table.columnCount()):
                text = self._text(row, col)
                try:
                    parse_amount(text)
                except ValueError:
                    where = "" if col == self.AMOUNT_COL else f", {self.table.horizontalHeaderItem(col).text()}"
                    out.append(f"Aides déjà perçues, ligne {row + 1}{where} : montant invalide « {text} »")
        return out

    def _amount(self, row: int, col: int) -> float | None:
        try:
            return parse_amount(self._text(row, col))
        except ValueError:
            return None

    def to_data(self) -> dict[str, float | dict]:
        """A number per aid, or {same_every_month, months} when some month differs."""
        data: dict[str, float | dict] = {}
        for row in range(self.table.rowCount()):
            same = self._amount(row, self.AMOUNT_COL) or 0.0
            item = self.table.item(row, self.AMOUNT_COL)
            months = dict((item.data(Qt.ItemDataRole.UserRole) if item else None) or {})
            for col, month in enumerate(self.months, start=self.FIRST_MONTH_COL):
                value = self._amount(row, col)
                if value is not None:
                    months[month] = value
            months = {m: v for m, v in sorted(months.items()) if v != same}
            aid = self.table.cellWidget(row, 0).value()
            data[aid] = {"same_every_month": same, "months": months} if months else same
        return data

    def set_data(self, benefits: dict) -> None:
        """Either shape of the dossier: a monthly amount, or {same_every_month, months}."""
        self.table.setRowCount(0)
        for aid_id, value in benefits.items():
            if isinstance(value, dict):
                self.add_row(aid_id, value.get("same_every_month", 0.0), value.get("months") or {})
            else:
                self.add_row(aid_id, value)


class NoticeEditor(QWidget):
    """The optional detail of the N-2 tax notice: one line per declarant (the applicant,
    and a married or pacsé spouse), the incomes declared by category. `toggle` (give the
    detail or not) is laid out by the form, beside its label; this widget is the grid."""

    changed = Signal()
    DECLARANTS = 2

    def __init__(self, help_text: str = "", parent=None):
        super().__init__(parent)
        self.toggle = checkbox("Donner le détail par déclarant", "Détail de l'avis d'impôt N-2", help_text)
        self.detail = QWidget()
        grid = QGridLayout(self.detail)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        for col, title in enumerate(NOTICE_INCOMES.values(), start=1):
            grid.addWidget(QLabel(title), 0, col)
        self.names: list[QLabel] = []
        self.fields: list[dict[str, AmountEdit]] = []
        for line in range(1, self.DECLARANTS + 1):
            name = QLabel()
            grid.addWidget(name, line, 0)
            fields = {}
            for col, (key, title) in enumerate(NOTICE_INCOMES.items(), start=1):
                edit = AmountEdit(title)
                edit.setMaximumWidth(110)
                edit.valueChanged.connect(self.changed.emit)
                grid.addWidget(edit, line, col)
                fields[key] = edit
            self.names.append(name)
            self.fields.append(fields)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.detail)
        self.toggle.toggled.connect(self._toggled)
        self.detail.hide()
        self._declarants: list[tuple[str, str]] = []

    def _toggled(self, on: bool) -> None:
        self.detail.setVisible(on)
        self.changed.emit()

    def set_declarants(self, declarants: list[tuple[str, str]]) -> None:
        """(person id, name shown): the applicant first. Amounts stay on their line."""
        self._declarants = declarants[: self.DECLARANTS]
        for line, (name, fields) in enumerate(zip(self.names, self.fields)):
            shown = line < len(self._declarants)
            name.setVisible(shown)
            for key, edit in fields.items():
                edit.setVisible(shown)
                if shown:
                    who = self._declarants[line][1]
                    describe(edit, f"Avis N-2, {who} : {NOTICE_INCOMES[key]}")
            if shown:
                name.setText(self._declarants[line][1])

    def amount_fields(self) -> list[AmountEdit]:
        return [edit for fields in self.fields[: len(self._declarants)] for edit in fields.values()]

    def problems(self) -> list[str]:
        if not self.toggle.isChecked():
            return []
        return [f"{edit.accessibleName()} : montant invalide" for edit in self.amount_fields() if not edit.is_valid()]

    def to_data(self) -> list[dict]:
        """Entries only when the detail is given; a declarant left empty is left out."""
        if not self.toggle.isChecked():
            return []
        out = []
        for (pid, _), fields in zip(self._declarants, self.fields):
            entry = {key: edit.value() for key, edit in fields.items() if edit.value()}
            if entry:
                out.append({"person": pid, **entry})
        return out

    def set_data(self, entries: list[dict]) -> None:
        by_person = {e.get("person"): e for e in entries if isinstance(e, dict)}
        for line, fields in enumerate(self.fields):
            pid = self._declarants[line][0] if line < len(self._declarants) else None
            for key, edit in fields.items():
                edit.set_value(by_person.get(pid, {}).get(key) or None)
        self.toggle.setChecked(bool(entries))
