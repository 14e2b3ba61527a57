"""The agenda as an iCalendar file (RFC 5545), written by hand: CRLF line ends, lines
folded at 75 octets, times in Europe/Paris with its VTIMEZONE.

The counselor's `label` never goes into the file: a calendar may sync it elsewhere.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from .model import DESK, Appointment

PRODID = "-//France Services//Aidant Desk//FR"
_LINE_OCTETS = 75
# Europe/Paris since 1996: summer time from the last Sunday of March, 02:00, to the
# last Sunday of October, 03:00 (EU rule).
_VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Paris",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)


def summary(appointment: Appointment) -> str:
    if appointment.kind == DESK:
        return f"Rendez-vous France Services avec {appointment.with_whom}"
    return f"Rendez-vous {appointment.with_whom}"


def calendar_text(appointments: Iterable[Appointment], now: datetime) -> str:
    """The whole VCALENDAR; `now` stamps each event (DTSTAMP), as RFC 5545 asks."""
    lines = ["BEGIN:VCALENDAR", f"PRODID:{PRODID}", "VERSION:2.0", "CALSCALE:GREGORIAN", *_VTIMEZONE]
    stamp = now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for a in appointments:
        description = [f"Avec : {a.with_whom}"]
        if a.items_to_bring:
            description.append("À apporter : " + ", ".join(a.items_to_bring))
        if a.note:
            description.append(a.note)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_text(a.uid)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;TZID=Europe/Paris:{_local(a.start)}",
            f"DTEND;TZID=Europe/Paris:{_local(a.end)}",
            f"SEQUENCE:{a.sequence}",
            f"STATUS:{'CANCELLED' if a.cancelled else 'CONFIRMED'}",
            f"SUMMARY:{_text(summary(a))}",
            f"LOCATION:{_text(a.place)}",
            f"DESCRIPTION:{_text(chr(10).join(description))}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def export_ics(appointments: Iterable[Appointment], path: str | Path, now: datetime) -> Path:
    path = Path(path)
    # newline="" keeps the CRLF as written.
    path.write_text(calendar_text(appointments, now), encoding="utf-8", newline="")
    return path


def _local(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _text(value: str) -> str:
    """TEXT value escaping (RFC 5545, 3.3.11)."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued by CRLF and one space, never inside a UTF-8 character."""
    parts, current, size = [], "", 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > _LINE_OCTETS:
            parts.append(current)
            current, size = " ", 1  # the continuation's leading space counts
        current += char
        size += octets
    parts.append(current)
    return "\r\n".join(parts)
