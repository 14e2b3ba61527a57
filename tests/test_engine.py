"""Engine behaviours checked against hand-computed figures or against the same
household written another way (the results must not change)."""
import copy
import json

import pytest

from aidant_desk.dossier import Dossier
from aidant_desk.dossier.life_events import job_loss

from .conftest import EXAMPLES, MONTH


def data_of(name):
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def test_the_order_people_are_listed_in_changes_nothing(engine):
    """A spouse listed before the applicant: openfisca must still read the applicant as demandeur."""
    ordered = data_of("couple_trois_enfants")
    swapped = copy.deepcopy(ordered)
    swapped["people"] = list(reversed(swapped["people"]))
    a, b = engine.batch([d.with_month(MONTH) for d in [Dossier.from_dict(ordered), Dossier.from_dict(swapped)]])
    assert [(x.aid_id, x.status, x.amount) for x in a.aids] == [(x.aid_id, x.status, x.amount) for x in b.aids]


def test_a_batch_gives_each_dossier_its_own_results(engine):
    """Batch equivalence: the same dossiers one by one give the same figures."""
    names = ["parent_isole_deux_enfants", "couple_attend_bebe", "retraite_petite_pension"]
    dossiers = [Dossier.from_dict(data_of(n)) for n in names]
    together = engine.batch([d.with_month(MONTH) for d in dossiers])
    for dossier, in_batch in zip(dossiers, together):
        alone = engine.simulate(dossier.with_month(MONTH))
        assert [(x.aid_id, x.amount) for x in alone.aids] == [(x.aid_id, x.amount) for x in in_batch.aids]


def test_adults_outside_the_tax_household_do_not_inflate_its_income(engine):
    """Estimated RFR: the 12 months of the applicant's and spouse's resources stand for
    year N-2, less openfisca's 10 % deduction on wages. Here one wage of 1 900 € a
    month: 0.9 x 12 x 1 900 = 20 520 €; the adult son's 1 500 € and the grandmother's
    700 € a month are theirs, not the couple's."""
    data = data_of("couple_trois_enfants")
    del data["fiscal_reference_income"]
    alone = Dossier.from_dict(copy.deepcopy(data))
    data["people"] += [
        {"id": "fils", "role": "child", "birth_date": "2004-05-01", "activity": "employed", "dependent": False},
        {"id": "mamie", "role": "other", "birth_date": "1950-02-02", "activity": "retired"},
    ]
    data["resources"] += [{"person": "fils", "type": "wages", "same_every_month": 1500},
                          {"person": "mamie", "type": "pension", "same_every_month": 700}]
    with_others, without = engine.batch([d.with_month(MONTH) for d in [Dossier.from_dict(data), alone]])
    assert with_others.fiscal_reference_income == pytest.approx(20520.0, abs=1)
    assert without.fiscal_reference_income == pytest.approx(20520.0, abs=1)
    assert with_others.fiscal_income_estimated


def test_an_expected_child_counts_only_for_the_birth_grant(engine):
    """Prime d'activité and housing aid of a couple are the same with or without the
    expected baby; the prime à la naissance needs it."""
    with_baby = Dossier.from_dict(data_of("couple_attend_bebe"))
    without = with_baby.replace(people=tuple(p for p in with_baby.people if p.role != "child"))
    a, b = engine.batch([d.with_month(MONTH) for d in [with_baby, without]])
    for aid in ("ppa", "aide_logement", "rsa", "paje_base", "cf"):
        assert a.aid(aid).amount == b.aid(aid).amount, aid
    assert a.aid("paje_naissance").eligible and not b.aid("paje_naissance").eligible


def test_job_loss_keeps_every_job_in_the_history():
    """Two jobs (1 000 + 900 €): a year ago the person earned 1 900 €, not 900 €."""
    data = data_of("personne_seule_sans_revenu")
    data["people"][0]["activity"] = "employed"
    data["resources"] = [{"person": "demandeur", "type": "wages", "same_every_month": 1000},
                         {"person": "demandeur", "type": "wages", "same_every_month": 900}]
    after = job_loss(Dossier.from_dict(data), MONTH, unemployment_benefit=1100)
    assert after.monthly_resources("2025-11") == 1900
    assert after.monthly_resources(MONTH) == 1100
    assert after.applicant.activity == "job_seeker"
