"""French formats for everything a person reads: 1 234,56 €, 28/11/2026,
« mardi 1er décembre 2026 à 14 h 30 »."""
from __future__ import annotations

from datetime import date, datetime, time

# A plain no-break space: the narrow one is missing from standard PDF fonts.
NBSP = "\u00a0"

MONTH_NAMES = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def number(value: float, decimals: int = 2) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


def euros(value: float, decimals: int = 2) -> str:
    """1234.5 -> '1 234,50 €' with no-break spaces."""
    return f"{number(value, decimals)}{NBSP}€"


def french_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


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
