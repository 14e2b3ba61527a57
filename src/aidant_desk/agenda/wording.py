"""Dates and times of appointments as a person reads them: « mardi 1er décembre 2026 à 14 h 30 »."""
from __future__ import annotations

from datetime import date, datetime, time

from ..dossier.months import MONTH_NAMES
from ..formatting import NBSP

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def long_date(day: date) -> str:
    """'mardi 1er décembre 2026' (French writes the first day of a month as an ordinal)."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{WEEKDAYS[day.weekday()]} {number} {MONTH_NAMES[day.month - 1]} {day.year}"


def clock(moment: time | datetime) -> str:
    """'14 h 30', '9 h' with no-break spaces, so a line never ends on 'h'."""
    hours = f"{moment.hour}{NBSP}h"
    return f"{hours}{NBSP}{moment.minute:02d}" if moment.minute else hours


def when(start: datetime) -> str:
    """'mardi 1er décembre 2026 à 14 h 30'."""
    return f"{long_date(start.date())} à {clock(start)}"
