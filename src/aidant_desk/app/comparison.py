"""Before / after a life event: the counselor types what will change and sees the
aids side by side. The transformation itself lives in the core (dossier.life_events)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..desk import HOUSING_STATUS, STATUS_LABELS, Catalogue, Comparison, euros
from .form import CommuneEdit
from .widgets import AmountEdit, ChoiceCombo, describe


class ComparisonView(QWidget):
    requested = Signal()  # the inputs changed: compute again

    def __init__(self, catalogue: Catalogue, parent=None):
        super().__init__(parent)
        self.catalogue = catalogue
        self.event_combo = describe(QComboBox(), "Événement de vie à comparer")
        for e in catalogue.life_events:
            self.event_combo.addItem(e.label, e.id)
        self.event_combo.currentIndexChanged.connect(self._rebuild_inputs)
        self.inputs_box = QWidget()
        self.inputs = QFormLayout(self.inputs_box)
        self.fields: dict[str, QWidget] = {}
        # A blank field keeps the dossier's value (the transformations take None as « unchanged »).
        self.blank_means = QLabel("Un champ laissé vide ne change rien : le dossier garde sa valeur actuelle.")
        self.blank_means.setWordWrap(True)
        self.summary = QLabel("Choisissez un événement et indiquez ce qui change.")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        describe(self.table, "Aides avant et après l'événement")
        self.table.setHorizontalHeaderLabels(["Aide", "Avant", "Après", "Différence"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        top = QFormLayout()
        top.addRow("Événement", self.event_combo)
        layout.addLayout(top)
        layout.addWidget(self.inputs_box)
        layout.addWidget(self.blank_means)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.comparison: Comparison | None = None
        self._rebuild_inputs()

    def event_id(self) -> str:
        return self.event_combo.currentData()

    def select_event(self, event_id: str) -> None:
        index = self.event_combo.findData(event_id)
        if index >= 0:
            self.event_combo.setCurrentIndex(index)

    def _rebuild_inputs(self) -> None:
        while self.inputs.rowCount():
            self.inputs.removeRow(0)
        self.fields.clear()
        event = self.catalogue.life_event(self.event_id())
        for change in event.changes:
            widget = self._input_for(change["field"], change["label"], change.get("help", ""))
            self.fields[change["field"]] = widget
            self.inputs.addRow(change["label"], widget)
        if not event.changes:
            self.inputs.addRow(QLabel("Rien à saisir : la colonne « après » compte l'événement comme arrivé."))
        self.blank_means.setVisible(bool(event.changes))
        self.requested.emit()

    def _input_for(self, field: str, label: str, help_text: str) -> QWidget:
        if field == "housing.commune":
            widget = CommuneEdit(label, help_text)
            widget.editingFinished.connect(lambda *_: self.requested.emit())
        elif field == "housing.status":
            widget = ChoiceCombo({"": "inchangé", **HOUSING_STATUS}, label, help_text)
            widget.currentIndexChanged.connect(lambda *_: self.requested.emit())
        else:
            widget = AmountEdit(label, help_text)
            widget.setPlaceholderText("inchangé")
            widget.editingFinished.connect(lambda *_: self.requested.emit())
        return widget

    def changes(self) -> dict:
        values = {}
        for field, widget in self.fields.items():
            if isinstance(widget, CommuneEdit):
                values[field] = widget.code()
            elif isinstance(widget, ChoiceCombo):
                values[field] = widget.value() or None
            else:
                values[field] = widget.value()
        return values

    def show_comparison(self, comparison: Comparison) -> None:
        self.comparison = comparison
        changes = comparison.changes
        self.table.setRowCount(len(changes))
        for row, change in enumerate(changes):
            cells = [
                change.label,
                self._amount(change.before, change.before_status, change.unit),
                self._amount(change.after, change.after_status, change.unit),
                ("+" if change.difference > 0 else "") + euros(change.difference) if change.difference else "",
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, change.aid_id)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        diff = comparison.monthly_difference
        sign = "+" if diff > 0 else ""
        # The resources too: aids that rise after a job loss are not money gained.
        self.summary.setText(
            f"Aides mensuelles : {euros(comparison.before.monthly_total)} avant, "
            f"{euros(comparison.after.monthly_total)} après ({sign}{euros(diff)} par mois). "
            f"Ressources du mois, aides à part : {euros(comparison.resources_before)} avant, "
            f"{euros(comparison.resources_after)} après. {len(changes)} aide(s) changent."
        )

    @staticmethod
    def _amount(amount: float, status: str, unit: str) -> str:
        if status == "eligible" and amount:
            return f"participation {euros(amount)}" if unit == "participation" else euros(amount)
        return STATUS_LABELS[status]
