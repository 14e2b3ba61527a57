"""The desk's opening hours as slots: pure arithmetic on the agenda settings."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from .model import PARIS
from .settings import AgendaSettings


def desk_slots(day: date, settings: AgendaSettings) -> list[tuple[datetime, datetime]]:
    """Every slot of a day, booked or not, in Europe/Paris; none on a closed day."""
    if day.weekday() not in settings.days:
        return []
    step = timedelta(minutes=settings.slot_minutes)
    slots = []
    for opens, closes in sorted(settings.hours):
        start = datetime.combine(day, opens, tzinfo=PARIS)
        closing = datetime.combine(day, closes, tzinfo=PARIS)
        while start + step <= closing:
            slots.append((start, start + step))
            start += step
    return slots


def within_opening(start: datetime, end: datetime, settings: AgendaSettings) -> bool:
    """Whether [start, end] (Europe/Paris) fits in one opening range of an opening day."""
    if start.date() != end.date() or start.weekday() not in settings.days:
        return False
    return any(opens <= start.time() and end.time() <= closes for opens, closes in settings.hours)
