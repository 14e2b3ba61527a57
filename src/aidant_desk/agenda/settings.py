"""When the desk takes appointments: opening days, hours, slot length, counselors.
Kept as one JSON value in the store's settings table."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import time

from sqlite_utils import Database

from ..store import get_setting, set_setting
from .model import AgendaError

SETTING_KEY = "agenda"


@dataclass(frozen=True)
class AgendaSettings:
    days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday is 0, as in date.weekday()
    hours: tuple[tuple[time, time], ...] = ((time(9), time(12)), (time(13, 30), time(17)))
    slot_minutes: int = 30
    # A placeholder that reads as such on the handout until the settings name the team.
    counselors: tuple[str, ...] = ("Conseiller France Services",)

    def __post_init__(self) -> None:
        problems = []
        if not self.days or any(d not in range(7) for d in self.days):
            problems.append("les jours d'ouverture vont de 0 (lundi) à 6 (dimanche), au moins un")
        if not self.hours:
            problems.append("au moins une plage horaire")
        ordered = sorted(self.hours)
        if any(start >= end for start, end in ordered):
            problems.append("chaque plage horaire commence avant de finir")
        if any(before[1] > after[0] for before, after in zip(ordered, ordered[1:])):
            problems.append("les plages horaires ne se chevauchent pas")
        if not 5 <= self.slot_minutes <= 240:
            problems.append("un créneau dure de 5 à 240 minutes")
        names = tuple(name.strip() for name in self.counselors)
        if not names or not all(names) or len(set(names)) != len(names):
            problems.append("au moins un conseiller, chacun avec un prénom différent")
        if problems:
            raise AgendaError("Réglages de l'agenda invalides : " + " ; ".join(problems) + ".")
        object.__setattr__(self, "counselors", names)  # a booking names the counselor as typed, trimmed

    def to_json(self) -> str:
        return json.dumps({
            "days": list(self.days),
            "hours": [[start.strftime("%H:%M"), end.strftime("%H:%M")] for start, end in self.hours],
            "slot_minutes": self.slot_minutes,
            "counselors": list(self.counselors),
        }, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "AgendaSettings":
        defaults = cls()
        try:
            data = json.loads(text)
            return cls(
                days=tuple(int(d) for d in data.get("days", defaults.days)),
                hours=tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in data["hours"])
                if "hours" in data else defaults.hours,
                slot_minutes=int(data.get("slot_minutes", defaults.slot_minutes)),
                counselors=tuple(str(name) for name in data.get("counselors", defaults.counselors)),
            )
        except AgendaError:
            raise
        except (TypeError, ValueError) as error:
            raise AgendaError(f"Réglages de l'agenda illisibles ({error}).") from error


def load_agenda_settings(db: Database) -> AgendaSettings:
    stored = get_setting(db, SETTING_KEY)
    return AgendaSettings.from_json(stored) if stored else AgendaSettings()


def save_agenda_settings(db: Database, settings: AgendaSettings) -> None:
    set_setting(db, SETTING_KEY, settings.to_json())
