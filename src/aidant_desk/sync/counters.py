"""Counting on the desk as things happen: plain data in, one row per ISO week and
counter. Called by the app; no engine types, no personal data."""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Iterable

from sqlite_utils import Database

# Catalogue identifiers only: anything else could carry free text.
_IDENTIFIER = re.compile(r"^[a-z0-9_]{1,64}$")
APPOINTMENT_KINDS = ("desk", "partner")


def iso_week(at: date | datetime) -> str:
    """'2026-W48': the week a count belongs to (ISO 8601, Monday first)."""
    year, week, _ = at.isocalendar()
    return f"{year}-W{week:02d}"


def record_simulation(db: Database, *, eligible_aids: Iterable[str], new_rights: bool,
                      life_events: Iterable[str], at: datetime) -> None:
    """A simulation completed: the aids found eligible, whether one of them is not
    already received (new rights), and the life events it started from."""
    aids = _identifiers(eligible_aids, "aide")
    events = _identifiers(life_events, "événement de vie")
    if new_rights and not aids:
        raise ValueError("Un droit nouveau suppose au moins une aide trouvée.")
    counters = [("simulations", "")]
    if aids:
        counters.append(("simulations_with_aid", ""))
    if new_rights:
        counters.append(("simulations_with_new_rights", ""))
    counters += [("aids", aid) for aid in aids] + [("life_events", event) for event in events]
    _increment(db, iso_week(at), counters)


def record_handout(db: Database, at: datetime) -> None:
    """A handout (the PDF for the person) was printed."""
    _increment(db, iso_week(at), [("handouts", "")])


def record_appointment(db: Database, kind: str, at: datetime) -> None:
    """An appointment was booked at the end of a simulation, at the desk or with a partner."""
    if kind not in APPOINTMENT_KINDS:
        raise ValueError(f"Type de rendez-vous « {kind} » inconnu : « desk » ou « partner ».")
    _increment(db, iso_week(at), [(f"appointments_{kind}", "")])


def _identifiers(values: Iterable[str], what: str) -> list[str]:
    unique = sorted(set(values))
    for value in unique:
        if not isinstance(value, str) or not _IDENTIFIER.match(value):
            raise ValueError(f"Identifiant d'{what} invalide « {value} » : minuscules, chiffres et _ seulement.")
    return unique


def _increment(db: Database, week: str, counters: list[tuple[str, str]]) -> None:
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO activity_counts (week, metric, key, recorded) VALUES (?, ?, ?, 1) "
            "ON CONFLICT (week, metric, key) DO UPDATE SET recorded = recorded + 1",
            [(week, metric, key) for metric, key in counters])
