"""The local agenda: follow-up appointments at the desk or with a partner, stored in
the desk's SQLite database, exported as .ics, printed on the handout. Offline."""
from .book import Agenda
from .ics import calendar_text, export_ics, summary
from .model import (
    BOOKED, CANCELLED, DESK, PARIS, PARTNER, PARTNERS, AgendaError, Appointment, Slot, paris_time,
)
from .settings import AgendaSettings, load_agenda_settings, save_agenda_settings
from ..formatting import clock, long_date, when

__all__ = [
    "Agenda", "calendar_text", "export_ics", "summary", "BOOKED", "CANCELLED", "DESK", "PARIS", "PARTNER", "PARTNERS",
    "AgendaError", "Appointment", "Slot", "paris_time", "AgendaSettings", "load_agenda_settings",
    "save_agenda_settings", "clock", "long_date", "when",
]
