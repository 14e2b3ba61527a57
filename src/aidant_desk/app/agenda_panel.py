"""The follow-up appointment, booked before the person leaves: a desk slot from the
local agenda, or an appointment taken with a partner. Listed, moved, cancelled,
exported as .ics; those booked or chosen during the visit go on the handout."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..desk import PARIS, PARTNERS, AgendaError, Appointment, Desk, export_ics, when
from .widgets import date_edit, describe


def _day(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


def _moment_edit(name: str, days_ahead: int, hour: int) -> QDateTimeEdit:
    edit = describe(QDateTimeEdit(), name)
    edit.setDisplayFormat("dd/MM/yyyy HH:mm")
    edit.setDateTime(QDateTime(QDate.currentDate().addDays(days_ahead), QTime(hour, 0)))
    return edit


def _paris(edit: QDateTimeEdit) -> datetime:
    """The typed wall-clock time, in Paris."""
    return edit.dateTime().toPython().replace(tzinfo=PARIS)


class AgendaPanel(QWidget):
    chosen = Signal(list)  # the appointments printed on the handout

    def __init__(self, desk: Desk, parent=None):
        super().__init__(parent)
        self.desk = desk
        problem = desk.store_problem()
        self.agenda = None if problem else desk.agenda()
        self.on_handout: list[Appointment] = []  # booked or chosen during this visit
        self.message = QLabel()
        self.message.setWordWrap(True)

        desk = QGroupBox("Rendez-vous au guichet France Services")
        self.day = date_edit("Jour du rendez-vous")
        self.day.setDate(QDate.currentDate().addDays(1))
        self.slots = describe(QComboBox(), "Créneau libre", "Les créneaux libres du jour, par conseiller.")
        self.desk_bring = describe(QLineEdit(), "À apporter (séparer par des virgules)")
        self.book_button = describe(QPushButton("Réserver ce créneau"), "Réserver le créneau choisi")
        form = QFormLayout(desk)
        form.addRow("Jour", self.day)
        form.addRow("Créneau", self.slots)
        form.addRow("À apporter", self.desk_bring)
        form.addRow("", self.book_button)

        partner = QGroupBox("Rendez-vous pris chez un partenaire")
        self.partner = describe(QComboBox(), "Partenaire")
        self.partner.setEditable(True)
        self.partner.addItems(PARTNERS)
        self.partner_when = _moment_edit("Date et heure", days_ahead=7, hour=9)
        self.partner_place = describe(QLineEdit(), "Lieu", "Adresse de l'agence ou « par téléphone ».")
        self.partner_bring = describe(QPlainTextEdit(), "À apporter (une ligne par document)")
        self.partner_bring.setMaximumHeight(60)
        self.partner_button = describe(QPushButton("Noter ce rendez-vous"), "Noter le rendez-vous chez le partenaire")
        pform = QFormLayout(partner)
        pform.addRow("Avec", self.partner)
        pform.addRow("Quand", self.partner_when)
        pform.addRow("Où", self.partner_place)
        pform.addRow("À apporter", self.partner_bring)
        pform.addRow("", self.partner_button)

        self.table = QTableWidget(0, 4)
        describe(self.table, "Rendez-vous à venir")
        self.table.setHorizontalHeaderLabels(["Quand", "Avec", "Où", "Sur le récapitulatif"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.move_when = _moment_edit("Nouvelle date et heure", days_ahead=2, hour=10)
        buttons = QHBoxLayout()
        self.print_button = describe(QPushButton("Mettre sur le récapitulatif"), "Imprimer ce rendez-vous sur le récapitulatif")
        self.move_button = describe(QPushButton("Déplacer"), "Déplacer le rendez-vous sélectionné")
        self.cancel_button = describe(QPushButton("Annuler le rendez-vous"), "Annuler le rendez-vous sélectionné")
        self.export_button = describe(QPushButton("Exporter (.ics)…"), "Exporter les rendez-vous pour un agenda")
        for b in (self.print_button, self.move_when, self.move_button, self.cancel_button, self.export_button):
            buttons.addWidget(b)

        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(desk)
        row.addWidget(partner)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(QLabel("<b>Rendez-vous à venir</b>"))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self.day.dateChanged.connect(lambda *_: self.refresh_slots())
        self.book_button.clicked.connect(self.book_desk)
        self.partner_button.clicked.connect(self.record_partner)
        self.print_button.clicked.connect(self.choose_current)
        self.move_button.clicked.connect(self.move_current)
        self.cancel_button.clicked.connect(self.cancel_current)
        self.export_button.clicked.connect(self.export_dialog)
        if self.agenda is None:
            self.setEnabled(False)
            self.message.setText(f"L'agenda est indisponible : {problem}")
        else:
            self.refresh()

    # --- display -------------------------------------------------------------------------
    def reload_settings(self) -> None:
        """Opening hours or counselors changed in the settings."""
        if self.agenda is not None:
            self.agenda = self.desk.agenda()
            self.refresh()

    def refresh(self) -> None:
        self.refresh_slots()
        upcoming = self.agenda.list(first_day=date.today())
        self.table.setRowCount(len(upcoming))
        for row, a in enumerate(upcoming):
            chosen = "oui" if any(h.id == a.id for h in self.on_handout) else ""
            for col, text in enumerate((when(a.start), a.with_whom, a.place, chosen)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, a.id)
                self.table.setItem(row, col, item)

    def refresh_slots(self) -> None:
        self.slots.clear()
        try:
            free = self.agenda.free_slots(_day(self.day))
        except AgendaError as error:
            self.message.setText(str(error))
            return
        for slot in free:
            self.slots.addItem(f"{slot.start:%H:%M} – {slot.end:%H:%M} avec {slot.counselor}", slot)
        if not free:
            self.slots.addItem("Aucun créneau libre ce jour-là", None)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #0b6e2e;")
        self.message.setText(text)

    def clear_handout(self) -> None:
        """A new visit: its handout starts without the last person's appointments."""
        self.on_handout = []
        self.chosen.emit([])

    def _on_handout(self, appointment: Appointment, keep: bool = True) -> None:
        """Put (or, keep=False, take off) one appointment on the handout, in time order."""
        others = [h for h in self.on_handout if h.id != appointment.id]
        self.on_handout = sorted(others + [appointment] if keep else others, key=lambda a: a.start)
        self.chosen.emit(list(self.on_handout))
        self.refresh()

    # --- actions -------------------------------------------------------------------------
    def book_desk(self) -> Appointment | None:
        slot = self.slots.currentData()
        if slot is None:
            self._say("Choisissez un créneau libre.", error=True)
            return None
        bring = "\n".join(x.strip() for x in self.desk_bring.text().split(",") if x.strip())
        return self._take("réservé", lambda: self.agenda.book_desk(slot.start, slot.counselor, what_to_bring=bring))

    def record_partner(self) -> Appointment | None:
        start = _paris(self.partner_when)
        return self._take("noté", lambda: self.agenda.record_partner(
            start, self.partner.currentText().strip(), self.partner_place.text().strip(),
            what_to_bring=self.partner_bring.toPlainText()))

    def _take(self, verb: str, booking) -> Appointment | None:
        """Run a booking; a refusal is said in French, a success goes on the handout."""
        try:
            booked = booking()
        except AgendaError as error:
            self._say(str(error), error=True)
            return None
        self._say(f"Rendez-vous {verb} : {when(booked.start)} avec {booked.with_whom}. Il figure sur le récapitulatif.")
        self._on_handout(booked)
        self.refresh()
        return booked

    def _current_id(self) -> int | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def choose_current(self) -> None:
        appointment_id = self._current_id()
        if appointment_id is not None:
            self._on_handout(self.agenda.get(appointment_id))
            self.refresh()

    def move_current(self) -> None:
        appointment_id = self._current_id()
        if appointment_id is None:
            return
        start = _paris(self.move_when)
        try:
            moved = self.agenda.move(appointment_id, start)
        except AgendaError as error:
            self._say(str(error), error=True)
            return
        self._say(f"Rendez-vous déplacé : {when(moved.start)}.")
        if any(h.id == moved.id for h in self.on_handout):
            self._on_handout(moved)
        self.refresh()

    def cancel_current(self) -> None:
        appointment_id = self._current_id()
        if appointment_id is None:
            return
        self.agenda.cancel(appointment_id)
        self._say("Rendez-vous annulé.")
        self._on_handout(self.agenda.get(appointment_id), keep=False)
        self.refresh()

    def export_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Exporter les rendez-vous", "rendez-vous.ics", "Agenda (*.ics)")
        if name:
            self.export(Path(name))

    def export(self, path: Path) -> Path:
        upcoming = self.agenda.list(first_day=date.today(), include_cancelled=True)
        try:
            export_ics(upcoming, path, datetime.now(PARIS))
        except OSError as error:
            self._say(f"Export impossible : {path} ({error.strerror}).", error=True)
            return path
        self._say(f"{len(upcoming)} rendez-vous exporté(s) dans {path}.")
        return path

