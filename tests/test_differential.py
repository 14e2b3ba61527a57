"""Differential tests: for each example dossier, an openfisca-france situation written
by hand here, computed directly, gives the same amounts as the engine (within 1 €).

The hand-built situations follow the public simulators' conventions described in
shared/reference/openfisca-aids.md, written out explicitly, not through the engine.
"""
import pytest
from openfisca_core.simulation_builder import SimulationBuilder

from .conftest import MONTH, example

M = MONTH


def months(first: int, last: int) -> list[str]:
    """Months M+first .. M+last (offsets <= 0), oldest first."""
    year, mon = int(M[:4]), int(M[5:])
    out = []
    for k in range(first, last + 1):
        index = year * 12 + mon - 1 + k
        out.append(f"{index // 12}-{index % 12 + 1:02d}")
    return out


HISTORY = months(-13, 0)


def every_month(value):
    return {m: value for m in HISTORY}


# Monthly benefits that may enter other bases: inputs set to 0 from M-13 to M-4.
PAST_BENEFITS_FAMILLE = ["rsa", "ppa", "aide_logement", "reduction_loyer_solidarite", "af", "cf", "paje_base",
                         "paje_naissance", "asf", "aeeh", "aspa", "ada"]
PAST_BENEFITS_INDIVIDU = ["aah", "caah", "asi", "ass", "contrat_engagement_jeune", "agepi", "aide_mobilite",
                          "aide_permis_demandeur_emploi", "mobili_jeune", "pass_sport", "pass_culture",
                          "aide_mobilite_master", "aide_mobilite_parcoursup", "depart1825_montant_maximum",
                          "bourse_criteres_sociaux"]


def past_zero(names):
    zero = {}
    for name in names:
        zero[name] = {m: 0.0 for m in months(-13, -4)}
        if name in ("rsa", "contrat_engagement_jeune"):  # circular base: 0 over M-3..M-1
            zero[name].update({m: 0.0 for m in months(-3, -1)})
    return zero


def person(birth, activite="inactif", etablissement="inconnu", categorie="pas_de_categorie", **extra):
    data = {
        "date_naissance": {"ETERNITY": birth},
        "activite": every_month(activite),
        "boursier": every_month(False),
        "apprenti": every_month(False),
        "statuts_etablissement_scolaire": every_month(etablissement),
        "pole_emploi_categorie_demandeur_emploi": every_month(categorie),
        **past_zero(PAST_BENEFITS_INDIVIDU),
    }
    for name, value in extra.items():
        data[name] = every_month(value)
    return data


def famille(parents, enfants=(), rfr_base=0.0):
    return {
        "parents": list(parents),
        "enfants": list(enfants),
        "prestations_familiales_base_ressources": {m: rfr_base for m in sorted(set(HISTORY) | {f"2026-{i:02d}" for i in range(1, 13)})},
        **past_zero(PAST_BENEFITS_FAMILLE),
    }


def menage(ref, statut, loyer, charges, depcom, conjoint=(), enfants=(), hlm=False, coloc=False):
    return {
        "personne_de_reference": [ref],
        "conjoint": list(conjoint),
        "enfants": list(enfants),
        "statut_occupation_logement": every_month(statut),
        "loyer": every_month(float(loyer)),
        "charges_locatives": every_month(float(charges)),
        "depcom": every_month(depcom),
        "logement_conventionne": every_month(hlm),
        "coloc": every_month(coloc),
    }


SITUATIONS = {
    "personne_seule_sans_revenu": {
        "individus": {"moi": person("1984-05-12", livret_a=300.0, statut_marital="celibataire")},
        "familles": {"f": famille(["moi"])},
        "foyers_fiscaux": {"ff": {"declarants": ["moi"], "rfr": {"2024": 0.0, "2025": 0.0}}},
        "menages": {"m": menage("moi", "locataire_vide", 480, 40, "69123")},
    },
    "parent_isole_deux_enfants": {
        "individus": {
            "parent": person("1988-02-20", "actif", salaire_net=1400.0, salaire_imposable=1400.0, livret_a=500.0, statut_marital="celibataire"),
            "e1": person("2014-06-03", "etudiant", "public", scolarite="college"),
            "e2": person("2018-09-15", "etudiant", "public", scolarite="primaire"),
        },
        "familles": {"f": famille(["parent"], ["e1", "e2"], 15100.0)},
        "foyers_fiscaux": {"ff": {"declarants": ["parent"], "personnes_a_charge": ["e1", "e2"], "rfr": {"2024": 15100.0, "2025": 15100.0}}},
        "menages": {"m": menage("parent", "locataire_vide", 650, 60, "13055", enfants=["e1", "e2"])},
    },
    "couple_trois_enfants": {
        "individus": {
            "p1": person("1983-11-02", "actif", salaire_net=1900.0, salaire_imposable=1900.0, livret_a=1200.0, statut_marital="marie"),
            "p2": person("1986-01-25", statut_marital="marie"),
            "e1": person("2013-04-10", "etudiant", "public", scolarite="college"),
            "e2": person("2017-07-21", "etudiant", "public", scolarite="primaire"),
            "e3": person("2022-02-14", "etudiant", "public", scolarite="maternelle"),
        },
        "familles": {"f": famille(["p1", "p2"], ["e1", "e2", "e3"], 20500.0)},
        "foyers_fiscaux": {"ff": {"declarants": ["p1", "p2"], "personnes_a_charge": ["e1", "e2", "e3"], "rfr": {"2024": 20500.0, "2025": 20500.0}}},
        "menages": {"m": menage("p1", "locataire_hlm", 620, 90, "59350", conjoint=["p2"], enfants=["e1", "e2", "e3"], hlm=True)},
    },
    "etudiant_colocation": {
        "individus": {"etu": {
            **person("2006-03-08", "etudiant", "public", salaire_net=350.0, salaire_imposable=350.0, livret_a=800.0, boursier=True,
                     scolarite="enseignement_superieur", statut_marital="celibataire"),
            "bourse_criteres_sociaux_base_ressources_parentale": {M: 24000.0},
        }},
        # No tax notice: the estimate is 90 % of the 12 months' taxable resources.
        "familles": {"f": famille(["etu"], rfr_base=0.9 * 12 * 350.0)},
        "foyers_fiscaux": {"ff": {"declarants": ["etu"], "rfr": {"2024": 0.9 * 12 * 350.0, "2025": 0.9 * 12 * 350.0}}},
        "menages": {"m": menage("etu", "locataire_meuble", 390, 30, "35238", coloc=True)},
    },
    "retraite_petite_pension": {
        "individus": {"r": person("1954-08-30", "retraite", retraite_nette=760.0, retraite_imposable=760.0, retraite_brute=760.0, livret_a=2500.0, statut_marital="celibataire")},
        "familles": {"f": famille(["r"], rfr_base=8200.0)},
        "foyers_fiscaux": {"ff": {"declarants": ["r"], "rfr": {"2024": 8200.0, "2025": 8200.0}}},
        "menages": {"m": menage("r", "locataire_vide", 420, 35, "87085")},
    },
    "adulte_handicap_80": {
        "individus": {"a": person("1981-12-01", taux_incapacite=0.8, handicap=True, livret_a=1000.0, statut_marital="celibataire")},
        "familles": {"f": famille(["a"])},
        "foyers_fiscaux": {"ff": {"declarants": ["a"], "rfr": {"2024": 0.0, "2025": 0.0}}},
        "menages": {"m": menage("a", "locataire_vide", 500, 45, "31555")},
    },
    "jeune_demandeur_emploi": {
        "individus": {"j": {
            **person("2004-07-19", "chomeur", categorie="categorie_1", livret_a=200.0, statut_marital="celibataire"),
            # Wages from November 2025 to March 2026 only; M-13 (October 2025) repeats M-12.
            "salaire_net": {m: (900.0 if m <= "2026-03" else 0.0) for m in HISTORY},
            "salaire_imposable": {m: (900.0 if m <= "2026-03" else 0.0) for m in HISTORY},
        }},
        "familles": {"f": famille(["j"], rfr_base=0.9 * 5 * 900.0)},
        "foyers_fiscaux": {"ff": {"declarants": ["j"], "rfr": {"2024": 0.9 * 5 * 900.0, "2025": 0.9 * 5 * 900.0}}},
        "menages": {"m": menage("j", "loge_gratuitement", 0, 0, "44109")},
    },
    # The expected baby is not yet a member of the household for benefits (openfisca-france
    # would count its negative age as a child for RSA, prime d'activité, PAJE base...).
    "couple_attend_bebe": {
        "individus": {
            "p1": person("1994-10-05", "actif", salaire_net=1500.0, salaire_imposable=1500.0, livret_a=3000.0, statut_marital="celibataire"),
            "p2": person("1996-04-17", "actif", salaire_net=1250.0, salaire_imposable=1250.0, enceinte=True, statut_marital="celibataire"),
        },
        "familles": {"f": famille(["p1", "p2"], [], 29000.0)},
        # Cohabiting: two tax households; the notice's income is on the applicant's.
        "foyers_fiscaux": {
            "ff1": {"declarants": ["p1"], "rfr": {"2024": 29000.0, "2025": 29000.0}},
            "ff2": {"declarants": ["p2"], "rfr": {"2024": 0.0, "2025": 0.0}},
        },
        "menages": {"m": menage("p1", "locataire_vide", 720, 60, "33063", conjoint=["p2"])},
    },
}

# The prime à la naissance is read where the expected child is in the household.
WITH_UNBORN = {
    "couple_attend_bebe": {
        "individus": {
            "p1": person("1994-10-05", "actif", salaire_net=1500.0, salaire_imposable=1500.0, livret_a=3000.0, statut_marital="celibataire"),
            "p2": person("1996-04-17", "actif", salaire_net=1250.0, salaire_imposable=1250.0, enceinte=True, statut_marital="celibataire"),
            "bebe": person("2027-01-20"),
        },
        "familles": {"f": famille(["p1", "p2"], ["bebe"], 29000.0)},
        "foyers_fiscaux": {
            "ff1": {"declarants": ["p1"], "personnes_a_charge": ["bebe"], "rfr": {"2024": 29000.0, "2025": 29000.0}},
            "ff2": {"declarants": ["p2"], "rfr": {"2024": 0.0, "2025": 0.0}},
        },
        "menages": {"m": menage("p1", "locataire_vide", 720, 60, "33063", conjoint=["p2"], enfants=["bebe"])},
    },
}
COUNTS_UNBORN = {"paje_naissance"}

# aid id -> (variable, entity, period)
COMPARED = {
    "rsa": ("rsa", "famille", M),
    "ppa": ("ppa", "famille", M),
    "aide_logement": ("aide_logement", "famille", M),
    "af": ("af", "famille", M),
    "cf": ("cf", "famille", M),
    "asf": ("asf", "famille", M),
    "ars": ("ars", "famille", M[:4]),
    "paje_base": ("paje_base", "famille", M),
    "aspa": ("aspa", "famille", M),
    "aah": ("aah", "individu", M),
    "caah": ("caah", "individu", M),
    "paje_naissance": ("paje_naissance", "famille", M),
    "contrat_engagement_jeune": ("contrat_engagement_jeune", "individu", M),
    "bourse_college": ("bourse_college", "famille", M),
    "bourse_criteres_sociaux": ("bourse_criteres_sociaux", "individu", M),
    "cheque_energie": ("cheque_energie", "menage", M[:4]),
    "css_participation_forfaitaire": ("css_participation_forfaitaire", "famille", M),
}


@pytest.fixture(scope="module")
def direct(tbs):
    """Every hand-built situation computed straight by openfisca-france."""
    values = {}
    for name, situation in SITUATIONS.items():
        simulation = SimulationBuilder().build_from_entities(tbs, situation)
        twin = SimulationBuilder().build_from_entities(tbs, WITH_UNBORN[name]) if name in WITH_UNBORN else simulation
        for aid_id, (variable, entity, period) in COMPARED.items():
            array = (twin if aid_id in COUNTS_UNBORN else simulation).calculate(variable, period)
            values[name, aid_id] = float(array.sum()) if entity == "individu" else float(array[0])
    return values


@pytest.fixture(scope="module")
def engine_results(engine):
    names = list(SITUATIONS)
    results = engine.batch([example(n) for n in names], M)
    return dict(zip(names, results))


@pytest.mark.parametrize("name", list(SITUATIONS))
def test_engine_equals_hand_built_openfisca(name, direct, engine_results, catalogue):
    result = engine_results[name]
    compared = [a for a in COMPARED if catalogue.has_aid(a)]
    assert len(compared) >= 12
    for aid_id in compared:
        expected = direct[name, aid_id]
        got = result.aid(aid_id).amount or 0.0
        assert got == pytest.approx(expected, abs=1.0), f"{name} / {aid_id}: moteur {got}, openfisca {expected}"


def test_the_examples_exercise_many_aids(direct):
    """The comparison means something: many (dossier, aid) pairs are non-zero."""
    non_zero = {aid for (name, aid), value in direct.items() if value > 0}
    assert {"rsa", "ppa", "aide_logement", "af", "aah", "aspa", "cheque_energie", "caah", "paje_naissance"} <= non_zero
