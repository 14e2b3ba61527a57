"""French formats for everything a person reads: 1 234,56 €, 28/11/2026."""
from __future__ import annotations

from datetime import date

# A plain no-break space: the narrow one is missing from standard PDF fonts.
NBSP = "\u00a0"


def number(value: float, decimals: int = 2) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


def euros(value: float, decimals: int = 2) -> str:
    """1234.5 -> '1 234,50 €' with no-break spaces."""
    return f"{number(value, decimals)}{NBSP}€"


def french_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")
