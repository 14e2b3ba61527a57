"""An appointment at the end of a visit: at the desk, or taken with a partner.

Nothing about the person is needed: only when, where, with whom and what to bring.
`label` is the counselor's own short reminder; it stays in the local database and
is never printed or exported.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
DESK, PARTNER = "desk", "partner"
BOOKED, CANCELLED = "booked", "cancelled"
# Suggestions for the "with whom" of a partner appointment; any other name is accepted.
PARTNERS = (
    "CAF", "CPAM", "France Travail", "Carsat", "MSA", "Finances publiques", "Préfecture / ANTS",
    "MDPH", "Mission locale", "CCAS",
)


class AgendaError(ValueError):
    """A booking refused or a bad setting; the message is French, for the counselor."""


@dataclass(frozen=True)
class Appointment:
    id: int
    uid: str  # stable across moves: a calendar that imported it updates it
    kind: str  # desk or partner
    start: datetime  # Europe/Paris
    duration: int  # minutes
    place: str
    with_whom: str  # the counselor's first name, or the partner's name
    what_to_bring: str = ""  # one item per line
    note: str = ""  # practical information for the person, printed on the handout
    label: str = ""  # the counselor's own reminder: never printed, never exported
    status: str = BOOKED
    sequence: int = 0  # revision number, bumped by each move or cancellation

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration)

    @property
    def at_desk(self) -> bool:
        """At this France Services site, with one of its counselors."""
        return self.kind == DESK

    @property
    def cancelled(self) -> bool:
        return self.status == CANCELLED

    @property
    def items_to_bring(self) -> list[str]:
        return [line.strip() for line in self.what_to_bring.splitlines() if line.strip()]


@dataclass(frozen=True)
class Slot:
    """A free desk slot of one counselor."""

    start: datetime  # Europe/Paris
    end: datetime
    counselor: str


def paris_time(moment: datetime) -> datetime:
    """The same instant in Europe/Paris; a naive datetime is read as Paris wall-clock time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=PARIS)
    return moment.astimezone(PARIS)
