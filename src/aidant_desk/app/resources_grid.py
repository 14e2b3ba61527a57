"""Resources as a grid (one row per person and resource type, the 12 previous months
and the current one), and the benefits already received."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..catalogue import Catalogue
from ..dossier import window
from ..dossier.model import HISTORY_MONTHS
from ..labels import RESOURCE_TYPES
from .widgets import ChoiceCombo, amount_text, describe, parse_amount

SHORT_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
PERSON_COL, TYPE_COL, SAME_COL, FIRST_MONTH_COL = 0, 1, 2, 3


def short_month(month: str) -> str:
    return f"{SHORT_MONTHS[int(month[5:]) - 1]} {month[2:4]}"


class _TableEditor(QWidget):
    """A table with its buttons underneath; removing the selected row is a change."""

    changed = Signal()

    def _lay_out(self, *buttons: QPushButton) -> None:
        row = QHBoxLayout()
        for b in buttons:
            row.addWidget(b)
        row.addStretch(1)
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
                 "Montants nets. « Même montant » remplit les 13 mois ; chaque mois peut ensuite être corrigé.")
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
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
        """Months are columns oldest first; data is kept by month when M changes."""
        data = self.to_data() if self.months else []
        self.months = window(month, HISTORY_MONTHS)
        headers = ["Personne", "Ressource", "Même montant"] + [short_month(m) for m in self.months]
        headers[-1] += " (mois en cours)"
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
    def add_row(self, person: str | None = None, rtype: str = "wages") -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        who = ChoiceCombo({pid: label for pid, label in self._people}, "Personne qui perçoit la ressource")
        if person:
            who.set_value(person)
        kind = ChoiceCombo(RESOURCE_TYPES, "Type de ressource")
        kind.set_value(rtype)
        who.currentIndexChanged.connect(lambda *_: self.changed.emit())
        kind.currentIndexChanged.connect(lambda *_: self.changed.emit())
        self.table.setCellWidget(row, PERSON_COL, who)
        self.table.setCellWidget(row, TYPE_COL, kind)
        self._filling = True
        for col in range(SAME_COL, self.table.columnCount()):
            self.table.setItem(row, col, QTableWidgetItem(""))
        self._filling = False
        self.changed.emit()
        return row

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
                    header = self.table.horizontalHeaderItem(col).text()
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
            entry = {"person": self.table.cellWidget(row, PERSON_COL).value(),
                     "type": self.table.cellWidget(row, TYPE_COL).value()}
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
            row = self.add_row(r["person"], r["type"])
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
    """Benefits the household already receives: aid and monthly amount."""

    def __init__(self, catalogue: Catalogue, parent=None):
        super().__init__(parent)
        self._choices = {a.id: a.label for a in catalogue.aids if a.periodicity == "mensuelle"}
        self.table = QTableWidget(0, 2)
        describe(self.table, "Aides déjà perçues", "Les aides que la personne touche déjà, avec leur montant mensuel.")
        self.table.setHorizontalHeaderLabels(["Aide", "Montant mensuel"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(140)
        self.table.itemChanged.connect(lambda _: self.changed.emit())
        add = describe(QPushButton("Ajouter une aide perçue"), "Ajouter une aide déjà perçue")
        remove = describe(QPushButton("Retirer"), "Retirer l'aide perçue sélectionnée")
        add.clicked.connect(lambda: self.add_row())
        remove.clicked.connect(self._remove_current)
        self._lay_out(add, remove)

    def add_row(self, aid_id: str | None = None, amount: float | None = None) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        combo = ChoiceCombo(self._choices, "Aide perçue")
        if aid_id:
            combo.set_value(aid_id)
        combo.currentIndexChanged.connect(lambda *_: self.changed.emit())
        self.table.setCellWidget(row, 0, combo)
        self.table.setItem(row, 1, QTableWidgetItem(amount_text(amount)))
        self.changed.emit()
        return row

    def problems(self) -> list[str]:
        out = []
        for row in range(self.table.rowCount()):
            text = self.table.item(row, 1).text() if self.table.item(row, 1) else ""
            try:
                parse_amount(text)
            except ValueError:
                out.append(f"Aides déjà perçues, ligne {row + 1} : montant invalide « {text} »")
        return out

    def to_data(self) -> dict[str, float]:
        data = {}
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 1)
            try:
                amount = parse_amount(item.text() if item else "")
            except ValueError:
                amount = None
            data[self.table.cellWidget(row, 0).value()] = amount or 0.0
        return data

    def set_data(self, benefits: dict[str, float]) -> None:
        self.table.setRowCount(0)
        for aid_id, amount in benefits.items():
            self.add_row(aid_id, amount)
