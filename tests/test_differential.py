"""Differential tests: for each example dossier, an openfisca-france situation written
by hand here, computed directly, gives the same amounts as the engine (within 1 €).

The hand-built situations follow the public simulators' conventions described in
shared/reference/openfisca-aids.md and the at-source convention of docs/dossier.md
(« Comment le moteur s'en sert »), written out explicitly, not through the engine: gross
amounts and N-2 notice incomes are solved on openfisca's own net and rfr by the
test-side solver of tests/handbuilt.py.
"""
import pytest

from .conftest import MONTH, example
from .handbuilt import HISTORY, famille, foyer, gross, menage, notice, notice_share, person, simulate

M = MONTH

# At the source (docs/dossier.md, « Comment le moteur s'en sert »): each net typed in an
# example becomes the gross whose openfisca net it is (`gross`, solved test-side in
# tests/handbuilt.py); the N-2 notice is given by declarant and category, as a share of
# a yearly total whose openfisca rfr is the RFR typed (`notice_share` + foyer's `rfr`),
# or, without an RFR, as the 12 months before M themselves (estimate).


def wage(net):
    """A wage of `net` every month, the whole N-2 notice of the foyer (its only income)."""
    return {**gross("salaire_de_base", net), **notice(wages=notice_share())}


SITUATIONS = {
    # RFR 0 and no income: the notice is empty.
    "personne_seule_sans_revenu": {
        "individus": {"moi": person("1984-05-12", livret_a=300.0, statut_marital="celibataire")},
        "familles": {"f": famille(["moi"])},
        "foyers_fiscaux": {"ff": foyer(["moi"])},
        "menages": {"m": menage("moi", "locataire_vide", 480, 40, "69123")},
    },
    "parent_isole_deux_enfants": {
        "individus": {
            "parent": person("1988-02-20", "actif", livret_a=500.0, statut_marital="celibataire", inputs=wage(1400.0)),
            "e1": person("2014-06-03", "etudiant", "public", scolarite="college"),
            "e2": person("2018-09-15", "etudiant", "public", scolarite="primaire"),
        },
        "familles": {"f": famille(["parent"], ["e1", "e2"])},
        "foyers_fiscaux": {"ff": foyer(["parent"], ["e1", "e2"], rfr=15100.0)},
        "menages": {"m": menage("parent", "locataire_vide", 650, 60, "13055", enfants=["e1", "e2"])},
    },
    "couple_trois_enfants": {
        "individus": {
            "p1": person("1983-11-02", "actif", livret_a=1200.0, statut_marital="marie", inputs=wage(1900.0)),
            "p2": person("1986-01-25", statut_marital="marie"),
            "e1": person("2013-04-10", "etudiant", "public", scolarite="college"),
            "e2": person("2017-07-21", "etudiant", "public", scolarite="primaire"),
            "e3": person("2022-02-14", "etudiant", "public", scolarite="maternelle"),
        },
        "familles": {"f": famille(["p1", "p2"], ["e1", "e2", "e3"])},
        # The only income of the notice is p1's wages.
        "foyers_fiscaux": {"ff": foyer(["p1", "p2"], ["e1", "e2", "e3"], rfr=20500.0)},
        "menages": {"m": menage("p1", "locataire_hlm", 620, 90, "59350", conjoint=["p2"], enfants=["e1", "e2", "e3"], hlm=True)},
    },
    "etudiant_colocation": {
        "individus": {"etu": {
            # No tax notice: the estimate is the 12 months before M, 12 x 350 EUR of wages.
            **person("2006-03-08", "etudiant", "public", livret_a=800.0, boursier=True,
                     scolarite="enseignement_superieur", statut_marital="celibataire",
                     inputs={**gross("salaire_de_base", 350.0), **notice(wages=12 * 350.0)}),
            "bourse_criteres_sociaux_base_ressources_parentale": {M: 24000.0},
        }},
        "familles": {"f": famille(["etu"])},
        "foyers_fiscaux": {"ff": foyer(["etu"])},
        "menages": {"m": menage("etu", "locataire_meuble", 390, 30, "35238", coloc=True)},
    },
    "retraite_petite_pension": {
        "individus": {"r": person("1954-08-30", "retraite", livret_a=2500.0, statut_marital="celibataire",
                                  inputs={**gross("retraite_brute", 760.0), **notice(pensions=notice_share())})},
        "familles": {"f": famille(["r"])},
        "foyers_fiscaux": {"ff": foyer(["r"], rfr=8200.0)},
        "menages": {"m": menage("r", "locataire_vide", 420, 35, "87085")},
    },
    "adulte_handicap_80": {
        "individus": {"a": person("1981-12-01", taux_incapacite=0.8, handicap=True, livret_a=1000.0, statut_marital="celibataire")},
        "familles": {"f": famille(["a"])},
        "foyers_fiscaux": {"ff": foyer(["a"])},
        "menages": {"m": menage("a", "locataire_vide", 500, 45, "31555")},
    },
    "jeune_demandeur_emploi": {
        "individus": {"j": person(
            "2004-07-19", "chomeur", categorie="categorie_1", livret_a=200.0, statut_marital="celibataire",
            inputs={
                # Wages from November 2025 to March 2026 only; M-13 (October 2025) repeats M-12.
                **gross("salaire_de_base", {m: (900.0 if m <= "2026-03" else 0.0) for m in HISTORY}),
                # No tax notice: the 12 months before M (2025-11 .. 2026-10) hold 5 x 900 EUR.
                **notice(wages=5 * 900.0),
            })},
        "familles": {"f": famille(["j"])},
        "foyers_fiscaux": {"ff": foyer(["j"])},
        "menages": {"m": menage("j", "loge_gratuitement", 0, 0, "44109")},
    },
    # The expected baby is not yet a member of the household for benefits (openfisca-france
    # would count its negative age as a child for RSA, prime d'activité, PAJE base...).
    "couple_attend_bebe": {
        "individus": {
            "p1": person("1994-10-05", "actif", livret_a=3000.0, statut_marital="celibataire", inputs=wage(1500.0)),
            # Cohabiting: her own foyer, whose notice is estimated from her 12 months (12 x 1 250 EUR).
            "p2": person("1996-04-17", "actif", enceinte=True, statut_marital="celibataire",
                         inputs={**gross("salaire_de_base", 1250.0), **notice(wages=12 * 1250.0)}),
        },
        "familles": {"f": famille(["p1", "p2"], [])},
        # Two tax households; the RFR typed is the applicant's.
        "foyers_fiscaux": {"ff1": foyer(["p1"], rfr=29000.0), "ff2": foyer(["p2"])},
        "menages": {"m": menage("p1", "locataire_vide", 720, 60, "33063", conjoint=["p2"])},
    },
}

# The prime à la naissance is read where the expected child is in the household.
WITH_UNBORN = {
    "couple_attend_bebe": {
        "individus": {
            **SITUATIONS["couple_attend_bebe"]["individus"],
            "bebe": person("2027-01-20"),
        },
        "familles": {"f": famille(["p1", "p2"], ["bebe"])},
        "foyers_fiscaux": {"ff1": foyer(["p1"], ["bebe"], rfr=29000.0), "ff2": foyer(["p2"])},
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
    """Every hand-built situation, solved and computed by openfisca-france in one simulation."""
    twins = {f"{name}+bebe": situation for name, situation in WITH_UNBORN.items()}
    read = simulate(tbs, {**SITUATIONS, **twins})
    values = {}
    for name in SITUATIONS:
        for aid_id, (variable, entity, period) in COMPARED.items():
            source = f"{name}+bebe" if aid_id in COUNTS_UNBORN and name in WITH_UNBORN else name
            values[name, aid_id] = float(sum(read(source, variable, entity, period)))
    return values


@pytest.fixture(scope="module")
def engine_results(engine):
    names = list(SITUATIONS)
    results = engine.batch([d.with_month(M) for d in [example(n) for n in names]])
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
