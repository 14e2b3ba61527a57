"""Every refusal names its cause: no aid of the catalogue, for any example or generated
household, shows the old generic sentence or an empty reason; and two refusals say the
figures the law sets (read here from openfisca-france's parameters, not from the engine).

AIDANT_REASON_HOUSEHOLDS (default 150) sets how many generated households."""
from __future__ import annotations

import os
import re
import time

import pytest

from aidant_desk.dossier import Dossier
from aidant_desk.engine import build_simulation

from .conftest import EXAMPLES, MONTH
from .generated_households import forward, generate

GENERIC = "Le calcul ne donne aucun montant pour cette situation (ressources ou conditions)."
HOUSEHOLDS = int(os.environ.get("AIDANT_REASON_HOUSEHOLDS", "150"))
NBSP = "\u00a0"


def _months(amount: float) -> dict:
    return {f"{y}-{m:02d}": amount for y in (2025, 2026) for m in range(1, 13) if "2025-11" <= f"{y}-{m:02d}" <= MONTH}


def _single(birth: str, housing: dict, wages: float, **extra) -> Dossier:
    return Dossier.from_dict({
        "format_version": 1, "month": MONTH, "couple": "single",
        "people": [{"id": "a", "role": "applicant", "birth_date": birth, "activity": "employed"}],
        "housing": housing, "resources": [{"person": "a", "type": "wages", "months": _months(wages)}],
        "assets": {}, "benefits_received": {}, **extra})


def _euros(text: str) -> list[float]:
    """The euro figures of a sentence, in order."""
    return [float(m.replace(NBSP, "").replace(" ", "").replace(",", "."))
            for m in re.findall(r"(\d[\d\u00a0 ]*(?:,\d+)?)\u00a0€", text)]


@pytest.fixture(scope="module")
def dossiers(catalogue):
    households = [generate(seed, month=MONTH) for seed in range(HOUSEHOLDS)]
    run = forward(households, MONTH, catalogue, build_simulation)
    named = [(f"seed {h.seed}", Dossier.from_dict(h.dossier)) for h in run.households]
    named += [(path.stem, Dossier.load(path)) for path in sorted(EXAMPLES.glob("*.json"))]
    return [(name, d.with_month(MONTH)) for name, d in named]


@pytest.fixture(scope="module")
def population(dossiers, engine):
    started = time.perf_counter()
    results = engine.batch([d for _, d in dossiers])
    print(f"\n{len(dossiers)} dossiers in {time.perf_counter() - started:.1f} s")
    return [(name, r) for (name, _), r in zip(dossiers, results)]


def test_without_refusals_a_batch_gives_the_same_statuses_and_amounts(population, dossiers, engine):
    """What a re-check asks: the reasons of the aids not found are left out, nothing else."""
    quick = engine.batch([d for _, d in dossiers], refusals=False)
    for (name, full), lean in zip(population, quick):
        assert [(a.aid_id, a.status, a.amount) for a in lean.aids] == [(a.aid_id, a.status, a.amount) for a in full.aids], name
        assert all(a.reason == full.aid(a.aid_id).reason for a in lean.aids if a.status != "not_eligible"), name
        assert any(a.reason == "" for a in lean.aids if a.status == "not_eligible"), name


def test_every_refusal_names_its_cause(population, catalogue):
    bad = []
    for name, result in population:
        for aid in catalogue.aids:
            reason = result.aid(aid.id).reason
            if not reason or not reason.strip() or reason == GENERIC or "{" in reason:
                bad.append(f"{name} › {aid.id} ({result.aid(aid.id).status}): « {reason} »")
    assert not bad, f"{len(bad)} raisons génériques ou vides :\n" + "\n".join(bad[:40])


def test_every_openfisca_aid_ends_its_criteria_with_a_sentence(catalogue, tbs):
    """The last criterion is what the aid requires; every limit names a real variable or
    parameter of openfisca-france (`rules check` does not read limits)."""
    for aid in catalogue.openfisca_aids:
        assert aid.criteria, f"{aid.id} : aucun critère"
        for c in aid.criteria:
            for limit in (c.at_most, c.at_least):
                if isinstance(limit, str) and limit not in tbs.variables:
                    node = tbs.parameters
                    for key in limit.split("."):
                        node = node.children[key]  # KeyError: unknown parameter


def test_social_housing_says_rfr_and_ceiling(engine, tbs):
    """Single person in Lyon (zone « autres régions », category 1), RFR 15 120 €: openfisca-france's
    logement_social_eligible reads the PLAI ceiling."""
    dossier = _single("1980-03-10", {"status": "tenant_unfurnished", "commune": "69123", "rent": 600, "charges": 50},
                      1300, fiscal_reference_income=15120)
    got = engine.simulate(dossier).aid("logement_social_eligible")
    ceiling = tbs.parameters(f"{MONTH}-01").prestations_sociales.aides_logement.logement_social.plai \
        .plafond_ressources.par_categorie_de_menage.categorie_1.autres_regions
    assert got.status == "not_eligible"
    assert 15120 > ceiling
    assert f"(15{NBSP}120{NBSP}€) dépasse le plafond de ressources du logement social très social, PLAI" in got.reason, got.reason
    assert _euros(got.reason) == [15120, pytest.approx(ceiling, abs=0.5)], got.reason


def test_visale_says_rent_and_its_ceiling(engine, tbs):
    """25 years old, moving into a 900 € flat in Lyon on 1 400 € net: Visale guarantees a rent
    up to half the resources (wages, and the benefits Visale counts), within the ceiling."""
    dossier = _single("2001-03-10", {"status": "tenant_unfurnished", "commune": "69123", "rent": 900, "charges": 50,
                                     "move_in_date": "2026-12-01"}, 1400)
    result = engine.simulate(dossier)
    got = result.aid("visale_eligibilite")
    visale = tbs.parameters(f"{MONTH}-01").prestations_sociales.aides_logement.action_logement.visale
    assert got.status == "not_eligible"
    assert got.reason.startswith(f"Le loyer (900{NBSP}€) dépasse le loyer que Visale garantit"), got.reason
    rent, limit = _euros(got.reason)
    assert 1400 / 2 <= limit <= visale.plafond_loyer.cas_general.hors_ile_de_france
    # Half of the wages and the prime d'activité (a resource Visale counts in full).
    assert limit == pytest.approx((1400 + result.aid("ppa").amount) / 2, abs=1.0)


def test_rules_check_names_a_limit_openfisca_does_not_know(tmp_path):
    import shutil

    from aidant_desk.desk import InvalidData, check_rules

    from .conftest import RULES

    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    visale = rules / "aids" / "visale_eligibilite.yaml"
    visale.write_text(visale.read_text(encoding="utf-8").replace("at_most: visale_montant_max\n",
                                                                  "at_most: visale_montant_maximal\n"), encoding="utf-8")
    with pytest.raises(InvalidData, match="visale_montant_maximal » n'est ni une variable ni un paramètre"):
        check_rules(rules)
