"""Life events as dossier transformations: the "after" of a before/after comparison.

Every scenario of a comparison is computed in one vectorised simulation, at the same
simulated month M. So "after" describes the household as if the event had already
happened and the situation had settled: three months after a job loss (the RSA and
prime d'activité look back three months), a baby already born, a move already made.
Each change field of rules/life_events/*.yaml is a keyword argument here; a field left
blank (None) keeps what the dossier says: the person's allowance, pension or rate as it is.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Callable

from .model import Dossier, Housing, Person, Resource
from .months import add_months, window

# The months an income change is applied to: the three before M and M itself.
SETTLED_MONTHS = 3


def _recent_months(month: str) -> list[str]:
    return window(month, SETTLED_MONTHS)


def _set_recent(dossier: Dossier, person_id: str, rtype: str, amount: float, month: str) -> tuple[Resource, ...]:
    """Resources where person's rtype is `amount` over the settled months, unchanged
    before (several entries of that type, two jobs say, are added up). The amount is
    read like the entries it continues: gross if they are gross, of their kind of
    self-employment."""
    recent = _recent_months(month)
    history = dossier.history(month)
    matching = [r for r in dossier.resources if r.person == person_id and r.type == rtype]
    kept = [r for r in dossier.resources if r not in matching]
    months = {m: sum(r.amount(m) for r in matching) for m in history}
    months.update({m: float(amount) for m in recent})
    if any(months.values()):
        like = matching[0] if matching else Resource(person=person_id, type=rtype)
        kept.append(Resource(person=person_id, type=rtype, months=months, basis=like.basis,
                             self_employment_kind=like.self_employment_kind))
    return tuple(kept)


def _stop(dossier: Dossier, person_id: str, rtype: str, month: str) -> tuple[Resource, ...]:
    return _set_recent(dossier, person_id, rtype, 0.0, month)


def _applicant(dossier: Dossier, **changes) -> tuple[Person, ...]:
    return tuple(p if p.role != "applicant" else replace(p, **changes) for p in dossier.people)


def moving(dossier: Dossier, month: str, rent: float | None = None, charges: float | None = None,
           commune: str | None = None, status: str | None = None) -> Dossier:
    h = dossier.housing
    housing = Housing(
        status=status or h.status,
        social_housing=h.social_housing if status in (None, h.status) else False,
        rent=h.rent if rent is None else float(rent),
        charges=h.charges if charges is None else float(charges),
        shared=h.shared,
        commune=commune or h.commune,
        move_in_date=date.fromisoformat(add_months(month, -1) + "-01"),
    )
    return dossier.replace(housing=housing)


def birth(dossier: Dossier, month: str) -> Dossier:
    """The expected child is born: dated the month before M so that every aid counts it."""
    born = date.fromisoformat(add_months(month, -1) + "-15")
    unborn = [c for c in dossier.children if c.birth_date >= date.fromisoformat(month + "-01")]
    if unborn:
        people = tuple(replace(p, birth_date=born) if p in unborn else p for p in dossier.people)
    else:
        people = dossier.people + (Person(id="nouveau_ne", role="child", birth_date=born),)
    people = tuple(replace(p, pregnant=False) for p in people)
    return dossier.replace(people=people)


def _set_if_given(dossier: Dossier, person_id: str, rtype: str, amount: float | None,
                  month: str) -> tuple[Resource, ...]:
    """_set_recent, or the resources unchanged when the field was left blank."""
    return dossier.resources if amount is None else _set_recent(dossier, person_id, rtype, amount, month)


def job_loss(dossier: Dossier, month: str, unemployment_benefit: float | None = None) -> Dossier:
    applicant = dossier.applicant.id
    d = dossier.replace(resources=_stop(dossier, applicant, "wages", month))
    d = d.replace(resources=_set_if_given(d, applicant, "unemployment", unemployment_benefit, month))
    return d.replace(people=_applicant(d, activity="job_seeker"))


def retirement(dossier: Dossier, month: str, pension: float | None = None) -> Dossier:
    applicant = dossier.applicant.id
    d = dossier
    for rtype in ("wages", "unemployment", "self_employment"):
        d = d.replace(resources=_stop(d, applicant, rtype, month))
    d = d.replace(resources=_set_if_given(d, applicant, "pension", pension, month))
    return d.replace(people=_applicant(d, activity="retired"))


def separation(dossier: Dossier, month: str, alimony: float | None = None) -> Dossier:
    """The spouse leaves with their resources; the applicant keeps the children."""
    spouse = dossier.spouse
    if spouse is None:
        return dossier
    d = dossier.replace(
        people=tuple(p for p in dossier.people if p.id != spouse.id),
        resources=tuple(r for r in dossier.resources if r.person != spouse.id),
        couple="single",
        recently_separated=True,
        fiscal_reference_income=None,  # the notice was the couple's: estimate again
    )
    return d.replace(resources=_set_if_given(d, d.applicant.id, "alimony", alimony, month))


def disability(dossier: Dossier, month: str, rate: float | None = None) -> Dossier:
    if rate is None:
        return dossier
    return dossier.replace(people=_applicant(dossier, disability_rate=float(rate)))


def studies(dossier: Dossier, month: str, grant: float | None = None) -> Dossier:
    student_grant = dossier.applicant.student_grant if grant is None else grant > 0
    d = dossier.replace(people=_applicant(dossier, activity="student", school_level="superieur",
                                          student_grant=student_grant))
    return d.replace(resources=_set_if_given(d, d.applicant.id, "grant", grant, month))


def payment_trouble(dossier: Dossier, month: str, applicant_wages: float | None = None) -> Dossier:
    if applicant_wages is None:
        return dossier
    return dossier.replace(resources=_set_recent(dossier, dossier.applicant.id, "wages", applicant_wages, month))


# rules/life_events id -> transformation; the keyword names are the `changes[].field`
# of the YAML file without their prefix (housing.rent -> rent).
TRANSFORMATIONS: dict[str, Callable[..., Dossier]] = {
    "demenagement": moving,
    "naissance": birth,
    "perte_emploi": job_loss,
    "retraite": retirement,
    "separation": separation,
    "handicap": disability,
    "etudes": studies,
    "difficultes_paiement": payment_trouble,
}


def apply_event(dossier: Dossier, event_id: str, month: str, changes: dict) -> Dossier:
    """The dossier after the event; `changes` keys are YAML fields (housing.rent...)."""
    transform = TRANSFORMATIONS[event_id]
    kwargs = {field.split(".", 1)[-1]: value for field, value in changes.items() if value not in (None, "")}
    return transform(dossier, month, **kwargs)
