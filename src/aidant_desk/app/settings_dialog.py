"""Réglages du poste: the France Services site printed on handouts, the agenda's
opening hours and counselors, and the central server the counts go to."""
from __future__ import annotations

from datetime import time

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
)

from ..desk import MOST_RETENTION_MONTHS, AgendaError, AgendaSettings, Desk, DeskSettings, SiteSettings
from .widgets import describe

DAY_NAMES = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")


def parse_hours(text: str) -> tuple[tuple[time, time], ...]:
    """'09:00-12:00, 13:30-17:00' -> ((9:00, 12:00), (13:30, 17:00)); ValueError otherwise."""
    ranges = []
    for part in text.split(","):
        start, end = (x.strip().replace("h", ":") for x in part.split("-"))
        ranges.append((time.fromisoformat(start.zfill(5)), time.fromisoformat(end.zfill(5))))
    return tuple(ranges)


def hours_text(hours) -> str:
    return ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in hours)


class SettingsDialog(QDialog):
    def __init__(self, desk: Desk, parent=None):
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle("Réglages du poste")
        try:
            current = desk.settings()
        except AgendaError:  # unreadable agenda settings: start again from the defaults
            current = DeskSettings(desk.site(), AgendaSettings(), "")
        site, agenda = current.site, current.agenda
        self.site_fields = {}
        site_box = QGroupBox("Site France Services (en-tête du récapitulatif)")
        site_form = QFormLayout(site_box)
        for name, label in (("name", "Nom"), ("address", "Adresse"), ("phone", "Téléphone"),
                            ("opening_hours", "Horaires d'ouverture")):
            edit = describe(QLineEdit(getattr(site, name)), label)
            self.site_fields[name] = edit
            site_form.addRow(label, edit)
        # An unset address shows as an empty field with an example, never as text to keep.
        self.site_fields["address"].setText(site.address_given)
        self.site_fields["address"].setPlaceholderText("par exemple 12 rue de Valenciennes, 59000 Lille")

        agenda_box = QGroupBox("Agenda du guichet")
        agenda_form = QFormLayout(agenda_box)
        days = QHBoxLayout()
        self.days = []
        for i, name in enumerate(DAY_NAMES):
            box = describe(QCheckBox(name), f"Ouvert le {name}")
            box.setChecked(i in agenda.days)
            self.days.append(box)
            days.addWidget(box)
        self.hours = describe(QLineEdit(hours_text(agenda.hours)), "Plages horaires", "Par exemple 09:00-12:00, 13:30-17:00")
        self.slot = describe(QSpinBox(), "Durée d'un créneau (minutes)")
        self.slot.setRange(5, 240)
        self.slot.setValue(agenda.slot_minutes)
        self.counselors = describe(QLineEdit(", ".join(agenda.counselors)), "Conseillers", "Prénoms, séparés par des virgules.")
        agenda_form.addRow("Jours", days)
        agenda_form.addRow("Horaires", self.hours)
        agenda_form.addRow("Créneau (min)", self.slot)
        agenda_form.addRow("Conseillers", self.counselors)

        sync_box = QGroupBox("Serveur central (comptes anonymes)")
        sync_form = QFormLayout(sync_box)
        self.server = describe(QLineEdit(current.server_url), "Adresse du serveur central")
        self.token = describe(QLineEdit(), "Jeton de l'appareil", "Donné par « aidant-central site add ». Laisser vide pour garder l'actuel.")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        sync_form.addRow("Adresse", self.server)
        sync_form.addRow("Jeton", self.token)

        kept_box = QGroupBox("Dossiers enregistrés sur ce poste")
        kept_form = QFormLayout(kept_box)
        self.retention = describe(QSpinBox(), "Durée de conservation des dossiers (mois)",
                                  "Après leur dernière visite. La CNIL recommande au plus 2 ans après le dernier contact.")
        self.retention.setRange(1, MOST_RETENTION_MONTHS)
        self.retention.setValue(desk.dossiers.retention_months())
        self.retention.setSuffix(" mois")
        kept_form.addRow("Conservation", self.retention)
        kept_form.addRow("", QLabel(f"Clé de chiffrement : {desk.dossiers.cipher.where}"))

        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Enregistrer")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (site_box, agenda_box, sync_box, kept_box, self.error, buttons):
            layout.addWidget(w)

    def save(self) -> bool:
        """Everything is checked before anything is written; a French message otherwise."""
        try:
            agenda = AgendaSettings(
                days=tuple(i for i, box in enumerate(self.days) if box.isChecked()),
                hours=parse_hours(self.hours.text()),
                slot_minutes=self.slot.value(),
                counselors=tuple(x for x in self.counselors.text().split(",")),
            )
        except AgendaError as error:
            self.error.setText(str(error))
            return False
        except ValueError:
            self.error.setText("Horaires illisibles : écrivez par exemple 09:00-12:00, 13:30-17:00.")
            return False
        site = SiteSettings(**{k: e.text().strip() for k, e in self.site_fields.items()})
        try:
            self.desk.save_settings(DeskSettings(site, agenda, self.server.text().strip()),
                                    token=self.token.text().strip() or None)
            self.desk.dossiers.set_retention_months(self.retention.value())
        except ValueError as error:
            self.error.setText(str(error))
            return False
        self.accept()
        return True
