"""Months as 'YYYY-MM' strings: the unit of every benefit computation."""
from __future__ import annotations

import re
from datetime import date

from ..formatting import MONTH_NAMES

_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def is_month(text: str) -> bool:
    """Exactly AAAA-MM: not "2026-11\n" (which a JSON Schema pattern ending in $ lets through)."""
    return isinstance(text, str) and bool(_MONTH.fullmatch(text))


def add_months(month: str, delta: int) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    index = year * 12 + (mon - 1) + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def window(month: str, before: int, include_current: bool = True) -> list[str]:
    """The `before` months before `month` (and `month` itself), oldest first."""
    last = 0 if include_current else 1
    return [add_months(month, -k) for k in range(before, last - 1, -1)]


def first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def current_month(today: date | None = None) -> str:
    """Only for the edges (CLI, app): the core always receives an explicit month."""
    today = today or date.today()
    return f"{today.year:04d}-{today.month:02d}"


def month_label(month: str) -> str:
    """'2026-11' -> 'novembre 2026'."""
    return f"{MONTH_NAMES[int(month[5:7]) - 1]} {month[:4]}"
