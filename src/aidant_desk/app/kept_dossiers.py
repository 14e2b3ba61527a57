"""The dossiers kept on the desk, on the start page: type part of a name to filter,
Enter to open; delete on request, export to a file, import one. And the dialog that
names a dossier and records the person's consent when it is first kept."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QProgressBar, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from ..desk import (OPENFISCA_FRANCE_VERSION, Consent, Desk, KeptDossier, RecheckReport, clock, french_date,
                    month_label, matching, state_text)
from .widgets import describe

COLUMNS = ("Nom", "Dernière visite", "Aides trouvées", "Prochain rendez-vous", "Règles", "Effacé le")
OUTDATED = "à revérifier"  # its last results came from other rules


class KeptDossiersPanel(QWidget):
    open_requested = Signal(int)  # a kept dossier's id
    delete_requested = Signal(int)
    export_requested = Signal(int)
    import_requested = Signal()
    recheck_requested = Signal()
    recheck_progress = Signal(int, int)  # done, total: emitted from the re-check's thread

    def __init__(self, desk: Desk, parent=None):
        super().__init__(parent)
        self.desk = desk
        self.search = describe(QLineEdit(), "Rechercher un dossier par nom",
                               "Tapez une partie du nom, puis Entrée pour ouvrir le premier dossier trouvé.")
        self.search.setPlaceholderText("Rechercher un dossier enregistré (nom)…")
        # Typing filters what was read: the store is decrypted once per change, not per key.
        self.search.textChanged.connect(self._show)
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
        self.recheck_button = describe(QPushButton("Revérifier"), "Revérifier tous les dossiers",
                                       "Recalcule chaque dossier avec les règles d'aujourd'hui et dit ce qui change.")
        self.recheck_button.clicked.connect(self.recheck_requested.emit)
        buttons.addWidget(self.recheck_button)
        self.progress = QProgressBar()
        self.progress.hide()
        self.recheck_progress.connect(self._progressed)
        self.report = QLabel()
        self.report.setWordWrap(True)
        self.report.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.report.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>Dossiers enregistrés</b>"))
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.notice)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.report)
        self.problem = ""  # why the store cannot be read, if it cannot
        self.kept: list[KeptDossier] = []  # every kept dossier, as last read
        self.next_appointments: dict = {}  # dossier id -> its next appointment, as last read
        self.shown: list[KeptDossier] = []  # those the search keeps

    def refresh(self) -> None:
        """The list as the store holds it now, filtered by the search text, last visit first."""
        self.problem = self.desk.store_problem()
        self.kept = [] if self.problem else self.desk.dossiers.list()
        self.next_appointments = self.desk.next_appointments(self.kept) if self.kept else {}
        self._show()

    def _show(self) -> None:
        problem = self.problem
        self.shown = matching(self.kept, self.search.text())
        today = date.today()
        fingerprint = "" if problem else self.desk.catalogue.fingerprint
        self.table.setRowCount(len(self.shown))
        for row, kept in enumerate(self.shown):
            aids = "—" if kept.aids_found is None else str(kept.aids_found)
            rules = OUTDATED if kept.outdated(fingerprint, OPENFISCA_FRANCE_VERSION) else "à jour"
            purge = french_date(kept.purge_on) + (" (bientôt)" if kept.purge_soon(today) else "")
            coming = self.next_appointments.get(kept.id)
            meeting = f"{french_date(coming.start)} {clock(coming.start)}, {coming.with_whom}" if coming else "—"
            for col, text in enumerate((kept.name, french_date(kept.updated_at), aids, meeting, rules, purge)):
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

    # --- re-check ----------------------------------------------------------------------------
    def recheck_started(self) -> None:
        self.recheck_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()
        self.report.hide()

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)
        self.progress.setFormat(f"{done} / {total} dossiers recalculés")

    def show_recheck(self, report: RecheckReport) -> None:
        """What changed, for whom; the list is then up to date."""
        self.recheck_button.setEnabled(True)
        self.progress.hide()
        lines = [f"{report.checked} dossier(s) revérifié(s) ; des aides changent pour {len(report.changed)}."]
        for changed in report.changed:
            changes = " ; ".join(f"{aid.label} : {state_text(aid.before)} → {state_text(aid.after)}"
                                 for aid in changed.changes)
            lines.append(f"• {changed.name} ({month_label(changed.month)}) — {changes}")
        lines += [f"• {name} : non recalculable ({why})" for _, name, why in report.refused]
        self.report.setText("\n".join(lines))
        self.report.show()
        self.refresh()

    def recheck_failed(self, message: str) -> None:
        self.recheck_button.setEnabled(True)
        self.progress.hide()
        self.report.setText(f"La revérification a échoué : {message}")
        self.report.show()

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
