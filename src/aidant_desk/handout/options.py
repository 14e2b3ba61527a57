"""What goes on the handout: which aids, and which (if any) personal data.

By default nothing about the person is printed: no name, no birth date, no income.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from ..engine.results import AidResult, SimulationResult

_PERIOD_ORDER = ("mensuelle", "annuelle", "ponctuelle")


@dataclass(frozen=True)
class HandoutOptions:
    # The aids the counselor kept; None: every new right and every aid to check.
    aid_ids: frozenset[str] | None = None
    include_received: bool = False  # aids the person already receives, in a short list
    counselor: str = ""  # the counselor's first name, in the header
    # Personal data, printed only when the counselor fills it in with the person's agreement.
    beneficiary_first_name: str = ""
    show_fiscal_income: bool = False  # the fiscal reference income used by the simulation
    # The counselor's full version: descriptions, every document on each card and the
    # points to confirm (AidResult.to_confirm). The person's handout leaves them out.
    full: bool = False
    # The day the person agreed that the desk keeps their dossier: said in the footer, with
    # their right to have it erased. None: the dossier is not kept.
    kept_with_consent_on: date | None = None


class NextAppointment(Protocol):
    """What the handout prints of the next appointment (the agenda's Appointment is one)."""

    start: datetime  # Europe/Paris
    duration: int  # minutes
    place: str
    with_whom: str
    note: str

    @property
    def at_desk(self) -> bool: ...

    @property
    def items_to_bring(self) -> list[str]: ...


@dataclass(frozen=True)
class HandoutContent:
    possible: list[AidResult]  # eligible, not yet received
    to_check: list[AidResult]
    received: list[AidResult]


def select_aids(result: SimulationResult, options: HandoutOptions) -> HandoutContent:
    """The aids to print, in reading order: money every month first, biggest first."""
    def kept(aids: list[AidResult]) -> list[AidResult]:
        chosen = [a for a in aids if options.aid_ids is None or a.aid_id in options.aid_ids]
        return sorted(chosen, key=_reading_order)

    received = kept([a for a in result.eligible if a.already_received]) if options.include_received else []
    return HandoutContent(possible=kept(result.new_rights), to_check=kept(result.to_check), received=received)


def _reading_order(aid: AidResult) -> tuple:
    money = aid.unit == "euros" and aid.amount is not None and aid.periodicity in _PERIOD_ORDER
    if not money:
        return (len(_PERIOD_ORDER), 0.0, aid.label)
    return (_PERIOD_ORDER.index(aid.periodicity), -aid.amount, aid.label)
