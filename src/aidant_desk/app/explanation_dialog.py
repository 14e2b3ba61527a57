"""« Comment ce montant est calculé »: the steps of one money benefit, from openfisca's
intermediate variables, as a table the counselor reads with the person."""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from ..desk import DETAIL, RESULT, Explanation, explanation_rows
from .widgets import describe


def explanation_html(explanation: Explanation) -> str:
    """One row per step: the sign, the label, the amount; details indented and grey,
    the result in bold under a rule."""
    rows = []
    for row in explanation_rows(explanation):
        style = ""
        if row.role == DETAIL:
            style = "color:#555; padding-left:18px;"
        elif row.role == RESULT:
            style = "font-weight:bold; border-top:1px solid #333;"
        rows.append(f"<tr><td style='{style}' width='24'>{escape(row.sign)}</td>"
                    f"<td style='{style}'>{escape(row.label)}</td>"
                    f"<td style='{style}' align='right'>{escape(row.amount)}</td></tr>")
    return f"<table cellspacing='0' cellpadding='4' width='100%'>{''.join(rows)}</table>"


class ExplanationDialog(QDialog):
    def __init__(self, explanation: Explanation, parent=None):
        super().__init__(parent)
        self.explanation = explanation
        self.setWindowTitle("Comment ce montant est calculé")
        self.title = QLabel(f"<b>{escape(explanation.title)}</b>")
        self.title.setWordWrap(True)
        self.table = describe(QLabel(explanation_html(explanation)), "Étapes du calcul",
                              "Chaque ligne vient d'une variable d'openfisca-france ; les lignes comptées font le montant.")
        self.table.setTextFormat(Qt.TextFormat.RichText)
        self.table.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        note = QLabel("Calcul d'openfisca-france pour le mois simulé ; les montants entre parenthèses "
                      "détaillent la ligne au-dessus et ne sont pas comptés deux fois.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #444;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(640, self.sizeHint().height())
