"""Aids that openfisca-france does not compute: declarative conditions on facts."""
from __future__ import annotations

import operator

from .. import communes
from ..catalogue import Aid
from ..dossier import Dossier, first_day
from .results import ELIGIBLE, NOT_ELIGIBLE, TO_CHECK, AidResult, about

_OPS = {
    "==": operator.eq, "!=": operator.ne, ">=": operator.ge, "<=": operator.le,
    ">": operator.gt, "<": operator.lt,
    "in": lambda a, b: a in b, "not_in": lambda a, b: a not in b,
    "contains": lambda a, b: b in a,
}

def caf_parts(dossier: Dossier) -> float:
    """Parts of the CAF quotient familial: 2 for a couple or a lone parent, else 1;
    +0.5 for each of the first two dependent children, +1 from the third."""
    children = sum(1 for c in dossier.children if c.dependent)
    parts = 2.0 if dossier.couple != "single" or children else 1.0
    return parts + 0.5 * min(children, 2) + max(children - 2, 0)


def facts(dossier: Dossier, month: str, fiscal_income: float, eligible_ids: set[str]) -> dict:
    """Every fact a condition may name (see rules/README.md). A child still expected
    counts as a pregnancy, not yet as a child."""
    expecting = bool(dossier.unborn(month)) or any(p.pregnant for p in dossier.people)
    dossier = dossier.born(month)
    applicant = dossier.applicant
    start = first_day(month)
    commune = communes.by_code(dossier.housing.commune)
    others = [p for p in dossier.people if p is not applicant]
    children = dossier.children
    return {
        "applicant.age": applicant.age(start),
        "applicant.activity": applicant.activity,
        "applicant.disability_rate": applicant.disability_rate,
        "applicant.is_student": applicant.activity == "student",
        "household.adults": len(dossier.parents) + len(dossier.others),
        "household.children": len(children),
        "household.oldest_age": max(p.age(start) for p in dossier.people),
        "household.highest_disability_rate": max(p.disability_rate for p in dossier.people),
        "household.others_oldest_age": max((p.age(start) for p in others), default=None),
        "household.others_highest_disability_rate": max((p.disability_rate for p in others), default=None),
        "household.youngest_child_age": min((c.age(start) for c in children), default=None),
        # The age each child reaches in the simulated year: « a child turns 11 in 2026 ».
        "household.children_ages_this_year": [start.year - c.birth_date.year for c in children],
        "household.single_parent": dossier.single_parent,
        "household.couple": dossier.couple != "single",
        "household.pregnancy": expecting,
        "household.monthly_resources": dossier.monthly_resources(month),
        "household.quotient_familial": round(fiscal_income / 12 / caf_parts(dossier), 2),
        "household.fiscal_reference_income": fiscal_income,
        "household.savings": dossier.assets.savings,
        "housing.status": dossier.housing.status,
        "housing.departement": commune.departement if commune else dossier.housing.departement,
        "housing.region": commune.region if commune else None,
        "housing.commune": dossier.housing.commune,
        "_receives": set(dossier.benefits_received) | eligible_ids,
    }


def _holds(condition, known: dict) -> bool:
    if condition.any:
        return any(_holds(test, known) for test in condition.any)
    if condition.fact == "receives_any":
        value = bool(known["_receives"] & set(condition.aids))
    else:
        value = known[condition.fact]
    if value is None:
        return False
    try:
        return bool(_OPS[condition.op](value, condition.value))
    except TypeError:
        return False


def evaluate(aid: Aid, known: dict, fiscal_estimated: bool, already_received: bool) -> AidResult:
    comp = aid.conditions
    failed = next((c for c in comp.conditions if not _holds(c, known)), None)
    if failed:
        status, reason = NOT_ELIGIBLE, failed.fail
    elif comp.to_confirm:
        status, reason = TO_CHECK, aid.eligible_reason or "Les conditions connues sont remplies ; à confirmer avec la personne."
    else:
        status, reason = ELIGIBLE, aid.eligible_reason or "Les conditions sont remplies."
    uses_income = any(c.fact in ("household.quotient_familial", "household.fiscal_reference_income") for c in comp.conditions)
    return AidResult(
        **about(aid),
        status=status,
        amount=comp.amount if status != NOT_ELIGIBLE else None,
        unit="euros" if comp.amount is not None else "eligibilite",
        reason=reason,
        estimated=uses_income and fiscal_estimated,
        already_received=already_received,
        computed_by="conditions",
        to_confirm=comp.to_confirm if status != NOT_ELIGIBLE else (),
    )
