"""The dossiers kept on the desk, on the start page: type part of a name to filter,
Enter to open; delete on request, export to a file, import one. And the dialog that
names a dossier and records the person's consent when it is first kept."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from ..desk import Consent, Desk, KeptDossier, french_date
from .widgets import describe

COLUMNS = ("Nom", "Dernière visite", "Aides trouvées", "Effacé le")


class KeptDossiersPanel(QWidget):
    open_requested = Signal(int)  # a kept dossier's id
    delete_requested = Signal(int)
    export_requested = Signal(int)
    import_requested = Signal()

    def __init__(self, desk: Desk, parent=None):
        super().__init__(parent)
        self.desk = desk
        self.search = describe(QLineEdit(), "Rechercher un dossier par nom",
                               "Tapez une partie du nom, puis Entrée pour ouvrir le premier dossier trouvé.")
        self.search.setPlaceholderText("Rechercher un dossier enregistré (nom)…")
        self.search.textChanged.connect(self.refresh)
        self.search.returnPressed.connect(self._open_current)
        self.table = describe(QTableWidget(0, len(COLUMNS)), "Dossiers enregistrés sur ce poste")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # dates and counts in full
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemActivated.connect(lambda *_: self._open_current())  # Enter or a double click
        self.empty = QLabel("Aucun dossier enregistré sur ce poste.")
        self.notice = QLabel()
        self.notice.setStyleSheet("color: #8a5a00;")
        self.notice.setWordWrap(True)
        buttons = QHBoxLayout()
        for text, slot in (("Ouvrir", self._open_current), ("Exporter en fichier…", self._export_current),
                           ("Supprimer…", self._delete_current), ("Importer un fichier…", self.import_requested.emit)):
            button = describe(QPushButton(text), text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>Dossiers enregistrés</b>"))
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.notice)
        layout.addLayout(buttons)
        self.shown: list[KeptDossier] = []

    def refresh(self) -> None:
        """The list as the store holds it now, filtered by the search text, last visit first."""
        problem = self.desk.store_problem()
        self.shown = [] if problem else self.desk.dossiers.list(self.search.text())
        today = date.today()
        self.table.setRowCount(len(self.shown))
        for row, kept in enumerate(self.shown):
            aids = "—" if kept.aids_found is None else str(kept.aids_found)
            purge = french_date(kept.purge_on) + (" (bientôt)" if kept.purge_soon(today) else "")
            for col, text in enumerate((kept.name, french_date(kept.updated_at), aids, purge)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, kept.id)
                self.table.setItem(row, col, item)
        if self.shown:
            self.table.selectRow(0)
        self.empty.setVisible(not self.shown)
        self.empty.setText(problem or ("Aucun dossier ne correspond." if self.search.text() else
                                       "Aucun dossier enregistré sur ce poste."))
        soon = [k for k in self.shown if k.purge_soon(today)]
        self.notice.setText(f"{len(soon)} dossier(s) seront effacés dans moins d'une semaine (durée de conservation "
                            f"de {self.desk.dossiers.retention_months()} mois)." if soon else "")
        self.notice.setVisible(bool(soon))

    def current_id(self) -> int | None:
        row = self.table.currentRow()
        return self.shown[row].id if 0 <= row < len(self.shown) else None

    def _open_current(self) -> None:
        if (dossier_id := self.current_id()) is not None:
            self.open_requested.emit(dossier_id)

    def _export_current(self) -> None:
        if (dossier_id := self.current_id()) is not None:
            self.export_requested.emit(dossier_id)

    def _delete_current(self) -> None:
        if (dossier_id := self.current_id()) is not None:
            self.delete_requested.emit(dossier_id)


class KeepDialog(QDialog):
    """Names the dossier and records the person's consent before the desk keeps it."""

    def __init__(self, name: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle("Enregistrer le dossier sur ce poste")
        self.name = describe(QLineEdit(name), "Nom du dossier", "Le nom sous lequel retrouver la personne.")
        self.name.setPlaceholderText("Prénom et nom de la personne")
        self.consent = describe(QCheckBox("La personne accepte que ce poste garde son dossier (chiffré)"),
                                "Accord de la personne")
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Enregistrer")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Nom", self.name)
        form.addRow("", self.consent)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Le dossier est effacé à la fin de sa durée de conservation, ou à la demande."))
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def answer(self) -> tuple[str, Consent]:
        return self.name.text().strip(), Consent(self.consent.isChecked(), date.today())

    def _check(self) -> None:
        missing = [text for text, ok in (("donnez un nom au dossier", bool(self.name.text().strip())),
                                         ("la personne doit donner son accord", self.consent.isChecked())) if not ok]
        if missing:
            self.problem.setText("Pour enregistrer : " + " ; ".join(missing) + ".")
            self.problem.show()
            return
        self.accept()
