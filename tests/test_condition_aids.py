"""Aids computed by declarative conditions (`computation.conditions`): both sides of
every condition.

For each condition of each aid, a dossier built by hand that just meets it (the aid
is then « à vérifier » or « éligible », every other condition of the aid being met
too) and one that just fails it (the aid is « non éligible » and the reason shown is
that condition's `fail` text, read from the catalogue). The thresholds below are
written from the rules as published in rules/README.md and the aids' YAML, and the
quotient familial is computed here by hand (revenu fiscal de référence / 12 / parts
CAF: 1 for a single person, 2 for a couple or a lone parent, + 0.5 for each of the
first two dependent children, + 1 from the third).

Most tests call aidant_desk.engine.conditions directly (facts + evaluate), with the
ids of the aids openfisca opened set by hand for `receives_any`; one engine batch
checks the same conditions end to end.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from aidant_desk.dossier import Dossier
from aidant_desk.engine import conditions
from aidant_desk.engine.results import ELIGIBLE, NOT_ELIGIBLE, TO_CHECK

from .conftest import MONTH

M = MONTH  # 2026-11, first day 2026-11-01


def _p(pid, role, birth, **extra):
    return {"id": pid, "role": role, "birth_date": birth, **extra}


def _dossier(people=None, housing=None, rfr=None, couple="single", benefits=None, resources=()):
    data = {
        "format_version": 1,
        "month": M,
        "people": people or [_p("a", "applicant", "1980-05-10", activity="employed")],
        "couple": couple,
        "housing": housing or {"status": "tenant_unfurnished", "rent": 500, "charges": 50, "commune": "69123"},
        "resources": list(resources),
        "assets": {"savings": 0},
        "benefits_received": benefits or {},
    }
    if rfr is not None:
        data["fiscal_reference_income"] = rfr
    return data


def _qf_income(qf: float, parts: float) -> float:
    """The revenu fiscal de référence that gives a quotient familial of `qf`."""
    return round(qf * 12 * parts, 2)


COUPLE_TWO_CHILDREN = [  # 2 + 0.5 + 0.5 = 3 parts CAF
    _p("a", "applicant", "1982-01-10", activity="employed"), _p("b", "spouse", "1983-02-10"),
    _p("c1", "child", "2014-03-01", school_level="college"), _p("c2", "child", "2018-03-01", school_level="primaire"),
]
FAMILY_CHILD_TURNING_11 = [  # 3 parts CAF; the first child is 11 in 2026
    _p("a", "applicant", "1982-01-10", activity="employed"), _p("b", "spouse", "1983-02-10"),
    _p("c1", "child", "2015-03-01", school_level="college"), _p("c2", "child", "2018-03-01", school_level="primaire"),
]
MOTHER_74 = _p("m", "other", "1952-01-01", activity="retired")  # a relative to help, in the household
SENIOR = _p("a", "applicant", "1958-04-01", activity="retired")  # 68: MaPrimeAdapt's age gate met
OWNER = {"status": "owner", "commune": "69123"}
TENANT = {"status": "tenant_unfurnished", "rent": 500, "charges": 50, "commune": "69123"}


@dataclass(frozen=True)
class Sides:
    """Condition number `index` of `aid`: a dossier just meeting it, one just failing it."""
    aid: str
    index: int
    meets: dict
    fails: dict
    label: str
    eligible_ids: frozenset = field(default_factory=frozenset)  # aids openfisca opened (receives_any)
    fails_eligible_ids: frozenset = field(default_factory=frozenset)


CASES = [
    # Pass Colo : un enfant qui a 11 ans dans l'année, quotient familial CAF <= 1 500 EUR (décret 2024-277).
    Sides("pass_colo", 0, _dossier(FAMILY_CHILD_TURNING_11, couple="married", rfr=_qf_income(600, 3)),
          _dossier(COUPLE_TWO_CHILDREN, couple="married", rfr=_qf_income(600, 3)),
          "enfant né en 2015 / enfants de 12 et 8 ans en 2026"),
    Sides("pass_colo", 1, _dossier(FAMILY_CHILD_TURNING_11, couple="married", rfr=_qf_income(1500, 3)),
          _dossier(FAMILY_CHILD_TURNING_11, couple="married", rfr=_qf_income(1501, 3)),
          "couple deux enfants (3 parts), QF 1 500 / 1 501"),
    # Aide juridictionnelle : quotient familial <= 1 650 EUR.
    Sides("aide_juridictionnelle", 0, _dossier(rfr=_qf_income(1650, 1)), _dossier(rfr=_qf_income(1651, 1)),
          "seul, QF 1 650 / 1 651"),
    Sides("aide_juridictionnelle", 0,
          _dossier(COUPLE_TWO_CHILDREN, couple="married", rfr=_qf_income(1650, 3)),
          _dossier(COUPLE_TWO_CHILDREN, couple="married", rfr=_qf_income(1651, 3)),
          "couple deux enfants (3 parts), QF 1 650 / 1 651"),
    # AJPA : salarié, indépendant, demandeur d'emploi ou apprenti (with a relative to help) ...
    Sides("ajpa", 0, _dossier([_p("a", "applicant", "1975-01-01", activity="employed"), MOTHER_74]),
          _dossier([_p("a", "applicant", "1975-01-01", activity="retired"), MOTHER_74]), "salarié / retraité"),
    Sides("ajpa", 0, _dossier([_p("a", "applicant", "1975-01-01", activity="job_seeker"), MOTHER_74]),
          _dossier([_p("a", "applicant", "1975-01-01", activity="inactive"), MOTHER_74]),
          "demandeur d'emploi / sans activité"),
    Sides("ajpa", 0, _dossier([_p("a", "applicant", "2004-01-01", activity="apprentice"), MOTHER_74]),
          _dossier([_p("a", "applicant", "2004-01-01", activity="student"), MOTHER_74]), "apprenti / étudiant"),
    Sides("ajpa", 0, _dossier([_p("a", "applicant", "1975-01-01", activity="self_employed"), MOTHER_74]),
          _dossier([_p("a", "applicant", "1950-01-01", activity="retired"), MOTHER_74]), "indépendant / retraité"),
    # ... and a relative in the household: 60 or over, or an incapacity of 80 % or more.
    Sides("ajpa", 1, _dossier([_p("a", "applicant", "1975-01-01", activity="employed"), MOTHER_74]),
          _dossier([_p("a", "applicant", "1975-01-01", activity="employed")]), "avec sa mère de 74 ans / seul"),
    Sides("ajpa", 1, _dossier([_p("a", "applicant", "1975-01-01", activity="employed"),
                               _p("c", "child", "2012-01-01", disability_rate=80)]),
          _dossier([_p("a", "applicant", "1975-01-01", activity="employed"),
                    _p("c", "child", "2012-01-01", disability_rate=79)]), "enfant à 80 % / à 79 %"),
    # APA : 60 ans ou plus au premier jour du mois simulé.
    Sides("apa", 0, _dossier([_p("a", "applicant", "1966-11-01", activity="retired")]),
          _dossier([_p("a", "applicant", "1966-11-02", activity="retired")]),
          "60 ans le 1er novembre 2026 / 60 ans le 2 novembre"),
    # Carte mobilité inclusion (mention invalidité) : taux d'incapacité >= 80 %.
    Sides("carte_mobilite_inclusion", 0, _dossier([_p("a", "applicant", "1975-01-01", disability_rate=80)]),
          _dossier([_p("a", "applicant", "1975-01-01", disability_rate=79)]), "taux 80 % / 79 %"),
    # FSL : locataire, résident de foyer, hébergé ou sans domicile.
    Sides("fonds_solidarite_logement", 0, _dossier(housing=TENANT), _dossier(housing=OWNER),
          "locataire / propriétaire"),
    Sides("fonds_solidarite_logement", 0, _dossier(housing={"status": "homeless"}),
          _dossier(housing={"status": "first_time_buyer", "rent": 700, "commune": "69123"}),
          "sans domicile / accédant"),
    Sides("fonds_solidarite_logement", 0, _dossier(housing={"status": "hosted_free", "commune": "69123"}),
          _dossier(housing={"status": "owner", "commune": "13055"}), "hébergé / propriétaire"),
    # MaPrimeAdapt' : propriétaire ou locataire (pas en foyer ni hébergé)...
    Sides("maprimeadapt", 0, _dossier([SENIOR], housing=OWNER, rfr=_qf_income(2600, 1)),
          _dossier([SENIOR], housing={"status": "tenant_hostel", "rent": 400, "commune": "69123"},
                   rfr=_qf_income(2600, 1)),
          "propriétaire / résident de foyer, QF 2 600"),
    Sides("maprimeadapt", 0, _dossier([SENIOR], housing={"status": "tenant_furnished", "rent": 400, "commune": "69123"},
                                      rfr=10000),
          _dossier([SENIOR], housing={"status": "hosted_free", "commune": "69123"}, rfr=10000), "meublé / hébergé"),
    # ... quotient familial <= 2 600 EUR ...
    Sides("maprimeadapt", 1, _dossier([SENIOR], housing=OWNER, rfr=_qf_income(2600, 1)),
          _dossier([SENIOR], housing=OWNER, rfr=_qf_income(2601, 1)), "propriétaire seul, QF 2 600 / 2 601"),
    Sides("maprimeadapt", 1, _dossier(COUPLE_TWO_CHILDREN + [MOTHER_74], couple="married", housing=OWNER,
                                      rfr=_qf_income(2600, 3)),
          _dossier(COUPLE_TWO_CHILDREN + [MOTHER_74], couple="married", housing=OWNER, rfr=_qf_income(2601, 3)),
          "couple, deux enfants et une grand-mère (3 parts CAF), QF 2 600 / 2 601"),
    # ... and someone aged 60 or over, or with an incapacity of 50 % or more (Anah).
    Sides("maprimeadapt", 2, _dossier([_p("a", "applicant", "1966-11-01")], housing=OWNER, rfr=10000),
          _dossier([_p("a", "applicant", "1966-11-02")], housing=OWNER, rfr=10000),
          "60 ans le 1er novembre 2026 / le 2 novembre"),
    Sides("maprimeadapt", 2, _dossier([_p("a", "applicant", "1990-01-01", disability_rate=50)], housing=OWNER,
                                      rfr=10000),
          _dossier([_p("a", "applicant", "1990-01-01", disability_rate=49)], housing=OWNER, rfr=10000),
          "incapacité 50 % / 49 %"),
    # PreParE : un enfant de moins de 3 ans.
    Sides("paje_prepare", 0,
          _dossier([_p("a", "applicant", "1990-01-01", activity="employed"), _p("c1", "child", "2023-11-02")]),
          _dossier([_p("a", "applicant", "1990-01-01", activity="employed"), _p("c1", "child", "2023-11-01")]),
          "enfant qui a 3 ans le 2 novembre 2026 / le 1er novembre"),
    Sides("paje_prepare", 0,
          _dossier([_p("a", "applicant", "1990-01-01", activity="employed"), _p("c1", "child", "2025-06-01")]),
          _dossier([_p("a", "applicant", "1990-01-01", activity="employed")]), "un enfant / aucun"),
    # Prime de Noël : RSA ou ASS, perçu ou ouvert par le calcul.
    Sides("prime_de_noel", 0, _dossier(), _dossier(), "RSA ouvert par le calcul / rien",
          eligible_ids=frozenset({"rsa"}), fails_eligible_ids=frozenset({"ppa", "aide_logement"})),
    Sides("prime_de_noel", 0, _dossier(), _dossier(), "ASS ouverte par le calcul / prime d'activité seule",
          eligible_ids=frozenset({"ass"}), fails_eligible_ids=frozenset({"ppa"})),
    Sides("prime_de_noel", 0, _dossier(benefits={"ass": 520.0}), _dossier(benefits={"aah": 1041.59}),
          "ASS déclarée / AAH déclarée"),
    Sides("prime_de_noel", 0, _dossier(benefits={"rsa": 300.0}), _dossier(benefits={"af": 153.01}),
          "RSA déclaré / allocations familiales déclarées"),
]


def _evaluate(catalogue, aid_id, data, eligible_ids=frozenset()):
    dossier = Dossier.from_dict(data)
    # The RFR the engine reads back from openfisca equals the one typed (tested in
    # test_incomes.py); without one, openfisca's estimate for wages is 12 months less
    # the 10 % deduction.
    estimated = dossier.fiscal_reference_income is None
    income = 0.9 * 12 * dossier.monthly_resources(M) if estimated else dossier.fiscal_reference_income
    known = conditions.facts(dossier, M, income, set(eligible_ids))
    aid = catalogue.aid(aid_id)
    return conditions.evaluate(aid, known, estimated, aid.id in dossier.benefits_received)


def test_every_condition_of_every_condition_aid_is_tested_both_ways(catalogue):
    aids = catalogue.condition_aids
    assert len(aids) >= 8
    for aid in aids:
        tested = {c.index for c in CASES if c.aid == aid.id}
        assert tested == set(range(len(aid.conditions.conditions))), (
            f"{aid.id}: conditions testées {sorted(tested)} sur {len(aid.conditions.conditions)}")


def _ids(cases):
    return [f"{c.aid}-{c.index}-{c.label}" for c in cases]


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_dossier_just_meeting_the_condition_is_open(case, catalogue):
    aid = catalogue.aid(case.aid)
    got = _evaluate(catalogue, case.aid, case.meets, case.eligible_ids)
    expected = TO_CHECK if aid.conditions.to_confirm else ELIGIBLE
    assert got.status == expected, f"{case.aid} ({case.label}): {got.status}, {got.reason}"
    assert got.status in (ELIGIBLE, TO_CHECK)
    assert got.amount == aid.conditions.amount
    assert got.to_confirm == aid.conditions.to_confirm


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_dossier_just_failing_the_condition_is_refused_with_its_text(case, catalogue):
    condition = catalogue.aid(case.aid).conditions.conditions[case.index]
    got = _evaluate(catalogue, case.aid, case.fails, case.fails_eligible_ids)
    assert got.status == NOT_ELIGIBLE, f"{case.aid} ({case.label}): {got.status}"
    assert got.reason == condition.fail
    assert got.amount is None
    assert got.to_confirm == ()


def test_quotient_familial_counts_caf_parts_as_published(catalogue):
    """The same income is under the limit for a couple with two children (3 parts) and
    above it for a single person (1 part): 30 000 / 12 = 2 500 EUR for one part,
    833 EUR for three."""
    assert _evaluate(catalogue, "aide_juridictionnelle", _dossier(rfr=30000)).status == NOT_ELIGIBLE
    family = _dossier(COUPLE_TWO_CHILDREN, couple="married", rfr=30000)
    assert _evaluate(catalogue, "aide_juridictionnelle", family).status == TO_CHECK


def test_third_child_counts_one_part(catalogue):
    """Lone parent with three children: 2 + 0.5 + 0.5 + 1 = 4 parts. An RFR of
    1 650 x 12 x 4 = 79 200 EUR gives QF 1 650 and is met; had the third child counted
    only half a part (3.5 parts), the same income would give 1 885.71 and fail."""
    people = [_p("a", "applicant", "1985-01-01"), _p("c1", "child", "2012-01-01"),
              _p("c2", "child", "2015-01-01"), _p("c3", "child", "2019-01-01")]
    assert _evaluate(catalogue, "aide_juridictionnelle", _dossier(people, rfr=_qf_income(1650, 4))).status == TO_CHECK
    assert _evaluate(catalogue, "aide_juridictionnelle",
                     _dossier(people, rfr=_qf_income(1651, 4))).status == NOT_ELIGIBLE


def test_income_based_condition_is_marked_as_estimate_without_tax_notice(catalogue):
    """No revenu fiscal de référence: it is estimated (90 % of the 12 months' taxable
    resources) and the result says so. 1 000 EUR a month -> 10 800 EUR -> QF 900."""
    data = _dossier(resources=[{"person": "a", "type": "wages", "same_every_month": 1000}])
    got = _evaluate(catalogue, "aide_juridictionnelle", data)
    assert got.status == TO_CHECK
    assert got.estimated is True
    assert _evaluate(catalogue, "apa", data).estimated is False


# --- end to end: the same conditions through one engine batch --------------------------------

END_TO_END = {
    # 41 ans, sans revenu, locataire : le calcul ouvre le RSA -> prime de Noël à vérifier.
    "rsa_calcule": (_dossier([_p("a", "applicant", "1985-03-10")], rfr=0), {"prime_de_noel": TO_CHECK}),
    # Cadre : ni RSA ni ASS ; QF 45 000 / 12 = 3 750 > 1 650 et > 2 600.
    "cadre": (_dossier([_p("a", "applicant", "1980-03-10", activity="employed")], rfr=45000,
                       resources=[{"person": "a", "type": "wages", "same_every_month": 4000}]),
              {"prime_de_noel": NOT_ELIGIBLE, "aide_juridictionnelle": NOT_ELIGIBLE, "maprimeadapt": NOT_ELIGIBLE,
               # no relative to help in the household: the carers' allowance is not offered
               "ajpa": NOT_ELIGIBLE, "apa": NOT_ELIGIBLE, "fonds_solidarite_logement": TO_CHECK}),
    # 72 ans, propriétaire, incapacité 80 %, petite retraite.
    "retraitee_proprietaire": (
        _dossier([_p("a", "applicant", "1954-06-01", activity="retired", disability_rate=80)], housing=OWNER,
                 rfr=14000, resources=[{"person": "a", "type": "pension", "same_every_month": 1300}]),
        {"apa": TO_CHECK, "carte_mobilite_inclusion": TO_CHECK, "maprimeadapt": TO_CHECK,
         "fonds_solidarite_logement": NOT_ELIGIBLE, "ajpa": NOT_ELIGIBLE, "paje_prepare": NOT_ELIGIBLE}),
}


def test_conditions_through_the_engine(engine, catalogue):
    names = list(END_TO_END)
    results = engine.batch([Dossier.from_dict(END_TO_END[n][0]).with_month(M) for n in names])
    for name, result in zip(names, results):
        for aid_id, status in END_TO_END[name][1].items():
            got = result.aid(aid_id)
            assert got.status == status, f"{name} / {aid_id}: {got.status} ({got.reason})"
            assert got.computed_by == "conditions"
            if status == NOT_ELIGIBLE:
                assert got.reason in {c.fail for c in catalogue.aid(aid_id).conditions.conditions}
