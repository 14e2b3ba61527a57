"""The visit summary: a few lines of plain French text the counselor pastes into the
case notes (« Copier le résumé »): the situation in one line, the aids to ask with
their amounts, the aids to check, the next steps and the next appointment.

Nothing about the person by default: no first name, no birth date (ages in whole
years only), no income. `name` puts the name the counselor gives at the top.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, datetime

from .. import communes
from ..agenda import PARIS, Appointment
from ..catalogue import Catalogue
from ..catalogue.model import first_steps
from ..dossier import Dossier, month_label
from ..engine.results import AidResult, SimulationResult
from ..formatting import euros, french_date, when
from ..handout import HandoutOptions, select_aids
from ..labels import ACTIVITIES, COUPLE, HOUSING_STATUS
from ..report import amount_text

# The labels of aidant_desk.labels as they read inside a sentence, for a person whoever
# they are; a value missing here reads as its label in lower case.
ACTIVITY_WORDS = {
    "employed": "salarié·e",
    "self_employed": "indépendant·e",
    "job_seeker": "demandeur·se d'emploi",
    "student": "étudiant·e",
    "apprentice": "apprenti·e",
    "retired": "retraité·e",
    "inactive": "sans activité",
}
HOUSING_WORDS = {
    "tenant_unfurnished": "locataire",
    "tenant_furnished": "locataire en meublé",
    "tenant_hostel": "en foyer ou résidence",
    "hosted_free": "hébergé·e gratuitement",
    "owner": "propriétaire",
    "first_time_buyer": "accédant·e (prêt en cours)",
    "homeless": "sans domicile stable",
}
TENANTS = ("tenant_unfurnished", "tenant_furnished", "tenant_hostel")
AUTOMATIC = "sans demande"  # as on the handout, beside an aid paid without asking
NO_APPOINTMENT = "aucun"


def visit_summary(dossier: Dossier, result: SimulationResult, appointments: Iterable[Appointment] = (), *,
                  catalogue: Catalogue, name: str = "", on: date | None = None,
                  now: datetime | None = None) -> str:
    """The summary's text, lines joined by "\\n". `on` is the visit's date (today by
    default); the next appointment is the earliest one not cancelled that starts after
    `now` (this moment by default)."""
    on = on or date.today()
    now = now or datetime.now(PARIS)
    content = select_aids(result, HandoutOptions())
    title = f"Visite du {french_date(on)} — simulation pour {month_label(result.month)}"
    lines = [f"{name.strip()} — {title}" if name.strip() else title]
    lines.append(f"Situation : {situation(dossier, result.month)}.")
    lines += _aids_to_ask(content.possible, catalogue)
    alternatives = [a for a in result.eligible if a.alternative_to and not a.already_received]
    if alternatives:
        lines.append("Ou bien, à la place (ne se cumule pas) : "
                     + " ; ".join(f"{a.label} ({_plain_amount(a)})" for a in alternatives) + ".")
    if content.to_check:
        lines.append(f"À vérifier ({len(content.to_check)}) : " + " ; ".join(a.label for a in content.to_check) + ".")
    steps = next_steps(content.possible, catalogue)
    if steps:
        lines.append("Prochaines étapes :")
        lines += [f"- {step}" for step in steps]
    lines.append(f"Prochain rendez-vous : {_appointment(next_appointment(appointments, now))}")
    return "\n".join(lines)


# ---------------------------------------------------------------- the situation

def situation(dossier: Dossier, month: str) -> str:
    """'parent seul, 2 enfants (8 et 12 ans), salarié·e, locataire (650 € de loyer),
    Marseille (13055)': ages on the first day of the simulated month."""
    start = date.fromisoformat(month + "-01")
    parts = [_household(dossier)]
    born = sorted(c.age(start) for c in dossier.children if c.age(start) >= 0)
    if born:
        parts.append(f"{_count(len(born), 'enfant')} ({_ages(born)})")
    unborn = len(dossier.children) - len(born)
    if unborn:
        parts.append(f"{_count(unborn, 'enfant')} à naître")
    if dossier.others:
        parts.append(_count(len(dossier.others), "autre personne", "autres personnes"))
    activity = _activity(dossier.applicant.activity)
    if dossier.spouse:
        activity += f", conjoint·e {_activity(dossier.spouse.activity)}"
    parts.append(activity)
    parts.append(_housing(dossier))
    commune = _commune(dossier.housing.commune)
    if commune:
        parts.append(commune)
    return ", ".join(parts)


def _household(dossier: Dossier) -> str:
    if dossier.couple == "single":
        return "parent seul" if dossier.single_parent else "personne seule"
    return f"couple ({COUPLE.get(dossier.couple, dossier.couple).lower()})"


def _count(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _ages(ages: list[int]) -> str:
    """'8 et 12 ans', '5 ans', 'moins d'un an et 3 ans'."""
    babies = ["moins d'un an"] * ages.count(0)
    years = [str(a) for a in ages if a > 0]
    if years:
        years[-1] += " an" if years[-1] == "1" else " ans"
    words = babies + years
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " et " + words[-1]


def _activity(activity: str) -> str:
    return ACTIVITY_WORDS.get(activity) or ACTIVITIES.get(activity, activity).lower()


def _housing(dossier: Dossier) -> str:
    housing = dossier.housing
    if housing.status in TENANTS and housing.social_housing:
        text = "locataire en logement social"
    else:
        text = HOUSING_WORDS.get(housing.status) or HOUSING_STATUS.get(housing.status, housing.status).lower()
    if housing.rent > 0 and housing.status in TENANTS:
        text += f" ({_round_euros(housing.rent)} de loyer)"
    elif housing.rent > 0 and housing.status == "first_time_buyer":
        text = f"accédant·e ({_round_euros(housing.rent)} de mensualité de prêt)"
    return text


def _round_euros(value: float) -> str:
    """650 -> '650 €'; 650.5 -> '650,50 €'."""
    return euros(value, 0) if float(value).is_integer() else euros(value)


def _commune(code: str | None) -> str:
    if not code:
        return ""
    found = communes.by_code(code)
    return f"{found.name} ({code})" if found else f"commune {code}"


# ---------------------------------------------------------------- the aids

def _aids_to_ask(aids: list[AidResult], catalogue: Catalogue) -> list[str]:
    if not aids:
        return ["Aides à demander : aucune nouvelle aide trouvée."]
    total = sum(a.monthly_amount for a in aids)
    head = f"Aides à demander ({len(aids)})"
    head += f" — {euros(total)} par mois en tout :" if total else " :"
    lines = [head]
    for aid in aids:
        info = catalogue.aid(aid.aid_id)
        where = info.contact
        if info.paid_without_asking:
            where = f"{AUTOMATIC}, {where}"
        lines.append(f"- {aid.label} : {amount_text(aid)} ({where})")
    return lines


def _plain_amount(aid: AidResult) -> str:
    """An alternative's amount without the table's « — ou bien »: the line says it."""
    return amount_text(dataclasses.replace(aid, alternative_to=None))


def next_steps(aids: list[AidResult], catalogue: Catalogue) -> list[str]:
    """The first step of each aid to ask, once each; an aid paid without asking has none."""
    return first_steps(catalogue.aid(a.aid_id) for a in aids)


# ---------------------------------------------------------------- the next appointment

def next_appointment(appointments: Iterable[Appointment], now: datetime) -> Appointment | None:
    """The earliest appointment not cancelled that starts after `now`."""
    coming = [a for a in appointments if not a.cancelled and a.start > now]
    return min(coming, key=lambda a: a.start, default=None)


def _appointment(appointment: Appointment | None) -> str:
    if appointment is None:
        return NO_APPOINTMENT
    return f"{when(appointment.start.astimezone(PARIS))} — {appointment.place} (avec {appointment.with_whom})"


__all__ = ["visit_summary", "situation", "next_steps", "next_appointment"]
