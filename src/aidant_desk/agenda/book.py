"""The desk's agenda in its SQLite database: free slots, booking with conflicts
refused, partner appointments, moves and cancellations. Works offline."""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable

from sqlite_utils import Database

from ..formatting import WEEKDAYS, clock, long_date, when
from ..site import SiteSettings
from ..store import write_transaction
from ..store.encryption import FERNET_PREFIX, database_cipher
from .model import BOOKED, CANCELLED, DESK, PARIS, PARTNER, AgendaError, Appointment, Slot, paris_time
from .settings import AgendaSettings
from .slots import desk_slots, within_opening

MAX_MINUTES = 8 * 60
_UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
SEALED = ("what_to_bring", "note", "label")  # may name the person: encrypted at rest


class Agenda:
    """One desk's appointments. The connection belongs to the calling thread.

    `on_booked` runs inside the booking's transaction: whatever it writes (the desk
    counts the appointment) is kept if and only if the booking is."""

    def __init__(self, db: Database, settings: AgendaSettings, site: SiteSettings,
                 now: Callable[[], datetime] | None = None,
                 on_booked: Callable[[Appointment], None] | None = None):
        self.db = db
        self.settings = settings
        self.site = site
        self._now = now or (lambda: datetime.now(PARIS))
        self._on_booked = on_booked
        # The person's name or situation may be in a note or a label: encrypted at rest.
        self._cipher = database_cipher(db)
        self._seal_clear_rows()

    def _seal_clear_rows(self) -> None:
        """Texts an earlier version kept in clear are encrypted when the agenda first opens."""
        clear = " OR ".join(f"({k} != '' AND {k} NOT LIKE '{FERNET_PREFIX}%')" for k in SEALED)
        rows = list(self.db.query(f"SELECT id, {', '.join(SEALED)} FROM appointments WHERE {clear}"))
        if not rows:
            return
        with write_transaction(self.db):
            self.db.conn.executemany(
                f"UPDATE appointments SET {', '.join(f'{k} = ?' for k in SEALED)} WHERE id = ?",
                [[*(self._cipher.seal_text(self._cipher.open_text(row[k])) for k in SEALED), row["id"]]
                 for row in rows])

    # --- reading ---------------------------------------------------------------
    def get(self, appointment_id: int) -> Appointment:
        row = next(self.db.query("SELECT * FROM appointments WHERE id = ?", [appointment_id]), None)
        if row is None:
            raise AgendaError(f"Aucun rendez-vous n° {appointment_id} dans l'agenda de ce poste.")
        return self._appointment(row)

    def list(self, first_day: date | None = None, last_day: date | None = None, *,
             include_cancelled: bool = False) -> list[Appointment]:
        """Appointments from first_day to last_day included (Paris days), earliest first."""
        sql, params = "SELECT * FROM appointments WHERE 1 = 1", []
        if first_day:
            sql += " AND end_utc > ?"
            params.append(_utc(datetime.combine(first_day, time(), tzinfo=PARIS)))
        if last_day:
            sql += " AND start_utc < ?"
            params.append(_utc(datetime.combine(last_day + timedelta(days=1), time(), tzinfo=PARIS)))
        if not include_cancelled:
            sql += " AND status = ?"
            params.append(BOOKED)
        return [self._appointment(row) for row in self.db.query(sql + " ORDER BY start_utc, id", params)]

    def free_slots(self, day: date, counselor: str | None = None) -> list[Slot]:
        """The desk slots of a day one can still book, per counselor, in time order."""
        names = [counselor] if counselor else list(self.settings.counselors)
        taken = [a for a in self.list(day, day) if a.kind == DESK]
        now = self._now()
        return [
            Slot(start, end, name)
            for start, end in desk_slots(day, self.settings) if start >= now
            for name in names
            if not any(a.with_whom == name and a.start < end and start < a.end for a in taken)
        ]

    # --- writing ---------------------------------------------------------------
    def book_desk(self, start: datetime, counselor: str, *, duration: int | None = None, what_to_bring: str = "",
                  note: str = "", label: str = "") -> Appointment:
        """A follow-up at this desk with one counselor; refused outside opening hours,
        in the past, or over another of the counselor's appointments."""
        appointment = Appointment(
            id=0, uid=f"{uuid.uuid4()}@aidant-desk", kind=DESK, start=paris_time(start),
            duration=duration or self.settings.slot_minutes, place=self.site.place, with_whom=counselor.strip(),
            what_to_bring=what_to_bring.strip(), note=note.strip(), label=label.strip())
        return self._insert(appointment)

    def record_partner(self, start: datetime, partner: str, place: str, *, duration: int = 30,
                       what_to_bring: str = "", note: str = "", label: str = "") -> Appointment:
        """An appointment the counselor took with a partner (CAF, CPAM...) for the person."""
        appointment = Appointment(
            id=0, uid=f"{uuid.uuid4()}@aidant-desk", kind=PARTNER, start=paris_time(start), duration=duration,
            place=place.strip(), with_whom=partner.strip(), what_to_bring=what_to_bring.strip(),
            note=note.strip(), label=label.strip())
        return self._insert(appointment)

    def move(self, appointment_id: int, start: datetime, *, counselor: str | None = None,
             duration: int | None = None) -> Appointment:
        """Another time (and, at the desk, possibly another counselor); same checks as a booking."""
        with write_transaction(self.db):
            current = self._booked(appointment_id)
            moved = replace(current, start=paris_time(start), duration=duration or current.duration,
                            with_whom=(counselor or current.with_whom).strip(), sequence=current.sequence + 1)
            self._check(moved)
            self.db.execute(
                "UPDATE appointments SET start_utc = ?, end_utc = ?, with_whom = ?, sequence = ? WHERE id = ?",
                [_utc(moved.start), _utc(moved.end), moved.with_whom, moved.sequence, moved.id])
        return moved

    def cancel(self, appointment_id: int) -> Appointment:
        """Kept as cancelled, so an exported calendar can be told (STATUS:CANCELLED)."""
        with write_transaction(self.db):
            current = self._booked(appointment_id)
            self.db.execute("UPDATE appointments SET status = ?, sequence = sequence + 1 WHERE id = ?",
                            [CANCELLED, appointment_id])
        return replace(current, status=CANCELLED, sequence=current.sequence + 1)

    # --- checks and rows -------------------------------------------------------
    def _insert(self, appointment: Appointment) -> Appointment:
        with write_transaction(self.db):
            # Checked under the write lock: no other connection can book in between.
            self._check(appointment)
            cursor = self.db.execute(
                "INSERT INTO appointments (uid, kind, start_utc, end_utc, place, with_whom, what_to_bring, note, "
                "label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [appointment.uid, appointment.kind, _utc(appointment.start), _utc(appointment.end),
                 appointment.place, appointment.with_whom, *map(self._cipher.seal_text, (
                     appointment.what_to_bring, appointment.note, appointment.label))])
            booked = self.get(cursor.lastrowid)
            if self._on_booked:
                self._on_booked(booked)
        return booked

    def _appointment(self, row: dict) -> Appointment:
        start = datetime.strptime(row["start_utc"], _UTC_FORMAT).replace(tzinfo=timezone.utc)
        end = datetime.strptime(row["end_utc"], _UTC_FORMAT).replace(tzinfo=timezone.utc)
        what_to_bring, note, label = (self._cipher.open_text(row[k]) for k in SEALED)
        return Appointment(
            id=row["id"], uid=row["uid"], kind=row["kind"], start=start.astimezone(PARIS),
            duration=int((end - start).total_seconds() // 60), place=row["place"], with_whom=row["with_whom"],
            what_to_bring=what_to_bring, note=note, label=label, status=row["status"], sequence=row["sequence"])

    def _booked(self, appointment_id: int) -> Appointment:
        appointment = self.get(appointment_id)
        if appointment.cancelled:
            raise AgendaError(f"Le rendez-vous n° {appointment_id} est annulé : prenez un nouveau rendez-vous.")
        return appointment

    def _check(self, a: Appointment) -> None:
        if not 5 <= a.duration <= MAX_MINUTES:
            raise AgendaError(f"Un rendez-vous dure de 5 à {MAX_MINUTES} minutes ({a.duration} demandées).")
        if a.start < self._now():
            raise AgendaError(f"Le {when(a.start)} est déjà passé : choisissez une date à venir.")
        if a.kind == PARTNER:
            if not a.with_whom:
                raise AgendaError("Indiquez avec quel organisme le rendez-vous est pris (CAF, CPAM...).")
            if not a.place:
                raise AgendaError(f"Indiquez le lieu du rendez-vous avec {a.with_whom}.")
            return
        if a.with_whom not in self.settings.counselors:
            raise AgendaError(f"« {a.with_whom} » ne fait pas partie des conseillers de l'agenda "
                              f"({', '.join(self.settings.counselors)}).")
        if not within_opening(a.start, a.end, self.settings):
            raise AgendaError(f"Le {when(a.start)} ({a.duration} min) est en dehors des horaires de l'accueil "
                              f"({_opening_text(self.settings)}) : choisissez un autre créneau.")
        clash = next(self.db.query(
            "SELECT * FROM appointments WHERE kind = ? AND status = ? AND with_whom = ? AND id != ? "
            "AND start_utc < ? AND end_utc > ? ORDER BY start_utc LIMIT 1",
            [DESK, BOOKED, a.with_whom, a.id, _utc(a.end), _utc(a.start)]), None)
        if clash:
            other = self._appointment(clash)
            raise AgendaError(f"{a.with_whom} a déjà un rendez-vous le {long_date(other.start.date())} de "
                              f"{clock(other.start)} à {clock(other.end)} : choisissez un autre créneau.")


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(_UTC_FORMAT)




def _opening_text(settings: AgendaSettings) -> str:
    """'du lundi au vendredi, 9 h – 12 h et 13 h 30 – 17 h', or 'lundi, mardi, jeudi, ...'."""
    days = sorted(settings.days)
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        days_text = f"du {WEEKDAYS[days[0]]} au {WEEKDAYS[days[-1]]}"
    else:
        days_text = ", ".join(WEEKDAYS[d] for d in days)
    ranges = " et ".join(f"{clock(a)} – {clock(b)}" for a, b in sorted(settings.hours))
    return f"{days_text}, {ranges}"
