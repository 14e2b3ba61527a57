"""Relevance gates (rules/aids/*.yaml conditions): an aid to check is shown only when
the dossier makes it plausible, and a condition the dossier answers is decided, not
asked. Each gate on both sides, with households written by hand."""
import pytest

from aidant_desk.dossier import Dossier

from .conftest import MONTH


def household(people, housing=None, rfr=12000, **extra):
    return Dossier.from_dict({
        "format_version": 2, "month": MONTH, "people": people,
        "couple": "single", "fiscal_reference_income": rfr,
        "housing": housing or {"status": "tenant_unfurnished", "rent": 600, "charges": 50, "commune": "69123"},
        "resources": [], **extra})


ADULT = {"id": "a", "role": "applicant", "birth_date": "1996-03-10", "activity": "employed"}


def child(birth, cid="c"):
    return {"id": cid, "role": "child", "birth_date": birth}


CASES = {
    # MaPrimeAdapt': 60 or over, or an incapacity of 50 % or more.
    "maprimeadapt": [
        ("locataire de 30 ans sans handicap", [ADULT], "not_eligible", "60 ans ou plus"),
        ("retraitée de 72 ans", [{**ADULT, "birth_date": "1954-05-01", "activity": "retired"}], "to_check", ""),
        ("locataire de 30 ans, incapacité 60 %", [{**ADULT, "disability_rate": 60}], "to_check", ""),
    ],
    # AJPA: a relative to help, disabled (80 %) or aged, in the household.
    "ajpa": [
        ("salariée seule", [ADULT], "not_eligible", "proche"),
        ("salariée avec sa mère de 74 ans", [ADULT, {"id": "m", "role": "other", "birth_date": "1952-01-01",
                                                      "activity": "retired"}], "to_check", ""),
        ("salariée avec un enfant handicapé à 80 %", [ADULT, {**child("2015-06-01"), "disability_rate": 80}],
         "to_check", ""),
    ],
    # PreParE: a child under 3.
    "paje_prepare": [
        ("plus jeune enfant de 8 ans", [ADULT, child("2018-04-02")], "not_eligible", "moins de 3 ans"),
        ("enfant de 2 ans", [ADULT, child("2018-04-02"), child("2024-06-01", "d")], "to_check", ""),
    ],
    # Pass Colo: a child who turns 11 this year, decided from the birth date.
    "pass_colo": [
        ("enfant qui a 8 ans en 2026", [ADULT, child("2018-04-02")], "not_eligible", "11 ans"),
        ("enfant né en 2015", [ADULT, child("2015-12-30")], "eligible", ""),
    ],
}
FLAT = [(aid, *case) for aid, cases in CASES.items() for case in cases]


@pytest.fixture(scope="module")
def results(engine):
    return engine.batch([household(people) for _, _, people, _, _ in FLAT])


@pytest.mark.parametrize("index", range(len(FLAT)), ids=[f"{a}: {name}" for a, name, *_ in FLAT])
def test_each_gate_on_both_sides(results, index):
    aid_id, _, _, status, reason = FLAT[index]
    got = results[index].aid(aid_id)
    assert got.status == status, got.reason
    assert reason in got.reason


def test_a_decided_condition_is_no_longer_asked(results):
    """Pass Colo asked to check the child's birth year; PreParE the child's age."""
    for result in results:
        assert not any("11 ans dans l'année" in item for item in result.aid("pass_colo").to_confirm)
        assert not any("moins de 3 ans" in item for item in result.aid("paje_prepare").to_confirm)
