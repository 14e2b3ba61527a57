"""Live results: new rights first, then aids already received, aids to check, and
aids not open with their reason."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from ..desk import EXPLAINED, SimulationResult, amount_text, euros
from .widgets import describe

GROUPS = (
    ("new", "Nouveaux droits possibles", "#0b6e2e"),
    ("alternative", "Ou bien, à la place (ne se cumule pas)", "#0b6e2e"),
    ("received", "Aides déjà perçues", "#34495e"),
    ("offers", "Prêts, garanties et bons plans (ne comptent pas comme aides)", "#34495e"),
    ("to_check", "À vérifier avec la personne", "#8a5a00"),
    ("not_eligible", "Non ouvertes", "#666666"),
    ("unavailable", "N'existaient pas à cette date", "#666666"),
)


def group_of(aid) -> str:
    if aid.status == "eligible":
        if aid.alternative_to:
            return "alternative"
        if aid.already_received:
            return "received"
        return "new" if aid.counts_as_aid else "offers"
    return aid.status


EXPLAIN_LINK = "Comment ce montant est calculé"


class ResultsPanel(QWidget):
    explain_requested = Signal(str)  # aid id: show how its amount is computed
    summary_requested = Signal(bool)  # copy the visit summary; True: with the person's name

    def __init__(self, parent=None):
        super().__init__(parent)
        self.summary = QLabel("Les résultats s'affichent ici dès que le dossier est complet.")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        describe(self.summary, "Résumé des résultats")
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #8a5a00;")
        self.tree = QTreeWidget()
        describe(self.tree, "Liste des aides", "Chaque aide avec son montant et la raison.")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Aide et raison", "Montant"])
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setAlternatingRowColors(True)
        self.print_button = describe(QPushButton("Imprimer le récapitulatif…"), "Imprimer le récapitulatif (Ctrl+P)")
        self.summary_button = describe(QPushButton("Copier le résumé"), "Copier le résumé de la visite",
                                       "Met dans le presse-papiers un résumé en texte simple pour les notes du dossier.")
        self.summary_with_name = describe(QCheckBox("avec le nom"), "Résumé avec le nom de la personne",
                                          "Sans cette case, le résumé ne contient aucun nom.")
        self.summary_with_name.setChecked(False)
        self.summary_button.clicked.connect(self._summary_clicked)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.print_button, alignment=Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.summary_button, alignment=Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.summary_with_name, alignment=Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        layout.addWidget(self.notes)
        layout.addWidget(self.tree, 1)
        self.result: SimulationResult | None = None
        self._pending: dict[int, list] = {}
        self.tree.itemExpanded.connect(self._expanded)

    def _summary_clicked(self) -> None:
        self.summary_requested.emit(self.summary_with_name.isChecked())

    def show_message(self, text: str, error: bool = False) -> None:
        color = "#b00020" if error else "#333"
        self.summary.setText(f"<span style='color:{color}'>{text}</span>")

    def show_result(self, result: SimulationResult) -> None:
        self.result = result
        self.summary.setText(
            f"<b>{len(result.new_rights)} nouveau(x) droit(s) possible(s)</b>, "
            f"{len(result.to_check)} à vérifier — total des nouveaux droits mensuels : "
            f"<b>{euros(result.new_rights_monthly_total)} par mois</b>"
        )
        self.notes.setText("\n".join(result.notes))
        self.notes.setVisible(bool(result.notes))
        self.tree.setUpdatesEnabled(False)  # one repaint for the whole list
        self.tree.clear()
        bold = QFont()
        bold.setBold(True)
        self._pending = {}
        for key, title, color in GROUPS:
            aids = result.by_relevance(a for a in result.aids if group_of(a) == key)
            if not aids:
                continue
            group = QTreeWidgetItem([f"{title} ({len(aids)})", ""])
            group.setFont(0, bold)
            group.setForeground(0, QBrush(QColor(color)))
            self.tree.addTopLevelItem(group)
            if key in ("not_eligible", "unavailable"):
                # Folded by default: its rows are built when the counselor opens it.
                self._pending[id(group)] = aids
                group.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
            else:
                self._fill(group, aids)
                group.setExpanded(True)
        self.tree.setUpdatesEnabled(True)

    def _expanded(self, group: QTreeWidgetItem) -> None:
        aids = self._pending.pop(id(group), None)
        if aids:
            self._fill(group, aids)

    def _fill(self, group: QTreeWidgetItem, aids) -> None:
        for aid in aids:
            item = QTreeWidgetItem([aid.label, amount_text(aid)])
            item.setData(0, Qt.ItemDataRole.UserRole, aid.aid_id)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            group.addChild(item)
            self._add_reason(item, aid)
            item.setExpanded(True)

    def _add_reason(self, item: QTreeWidgetItem, aid) -> None:
        """The plain reason on its own wrapped line under the aid."""
        text = aid.reason
        if aid.to_confirm:
            text += "<br><i>À confirmer : " + " ; ".join(aid.to_confirm) + "</i>"
        if aid.eligible and aid.amount and aid.aid_id in EXPLAINED:
            text += f" <a href='{aid.aid_id}'>{EXPLAIN_LINK}</a>"
        line = QTreeWidgetItem(item)
        line.setFirstColumnSpanned(True)
        label = QLabel(text)
        label.setWordWrap(True)
        label.linkActivated.connect(self.explain_requested.emit)
        label.setStyleSheet("color: #444; padding-left: 4px;")
        self.tree.setItemWidget(line, 0, label)

    def shown_aids(self, group: str) -> list[str]:
        """Aid ids listed under a group (for tests and the handout)."""
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top.text(0).startswith(dict((k, t) for k, t, _ in GROUPS)[group]):
                top.setExpanded(True)
                return [top.child(j).data(0, Qt.ItemDataRole.UserRole) for j in range(top.childCount())]
        return []
