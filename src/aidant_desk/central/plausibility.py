"""What a well-formed batch must also be to be believed: counts a desk can make, weeks
that exist and have begun, and keys that are the catalogue's aid and life-event ids
(a free key would put any text, a name, on the public dashboard)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

# A desk open 60 hours a week that finishes a simulation every minute makes 3 600: no
# count of one desk's week goes past 5 000.
WEEKLY_CEILING = 5_000
FIRST_WEEK = (2024, 1)  # no desk counted anything before
CLOCK_SKEW = timedelta(days=7)  # a desk whose clock runs a few days ahead still gets through
# Parts of the totals that can never exceed their whole, (part, whole).
PARTS = (("simulations_with_aid", "simulations"), ("simulations_with_new_rights", "simulations_with_aid"))


@dataclass(frozen=True)
class KnownKeys:
    aids: frozenset[str]
    life_events: frozenset[str]

    @classmethod
    def from_export(cls, folder: Path) -> "KnownKeys":
        """The ids of a catalogue as `aidant-desk rules export --format json` writes it
        (aids.json, life_events.json): the server reads files, never the desk's code."""
        def ids(name: str) -> frozenset[str]:
            path = folder / name
            try:
                return frozenset(str(entry["id"]) for entry in json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError, KeyError) as error:
                raise ValueError(f"Catalogue illisible : {path} ({error.__class__.__name__}) ; donnez le dossier "
                                 "écrit par « aidant-desk rules export --format json -o DOSSIER ».") from None
        return cls(ids("aids.json"), ids("life_events.json"))


def plausibility_problems(payload: dict, known: KnownKeys, today: date) -> list[str]:
    """Every reason a batch that follows the schema is still not believed, in French."""
    problems = []
    year, _, week = payload["week"].partition("-W")
    try:
        monday = date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        monday = None
    if monday is None or (int(year), int(week)) < FIRST_WEEK:
        problems.append(f"week : la semaine {payload['week']} n'existe pas ou précède les postes Aidant Desk")
    elif monday > today + CLOCK_SKEW:
        problems.append(f"week : la semaine {payload['week']} n'a pas encore commencé")
    totals = payload["totals"]
    problems += [f"totals.{part} : {totals[part]} dépasse totals.{whole} ({totals[whole]})"
                 for part, whole in PARTS if totals[part] > totals[whole]]
    counts = [(f"totals.{k}", v) for k, v in totals.items()]
    counts += [(f"{box}.{k}", v) for box in ("aids", "life_events") for k, v in payload[box].items()]
    problems += [f"{where} : {value} dépasse le plafond d'un poste pour une semaine ({WEEKLY_CEILING})"
                 for where, value in counts if value > WEEKLY_CEILING]
    for box, ids in (("aids", known.aids), ("life_events", known.life_events)):
        unknown = sorted(set(payload[box]) - ids)
        if unknown:
            problems.append(f"{box} : clé(s) inconnue(s) du catalogue ({', '.join(unknown)})")
    return problems
