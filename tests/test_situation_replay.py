"""`aidant-desk situation` writes the OpenFisca situation a dossier is computed on, as a
Web API /calculate request: replayed in-process through openfisca-core's SimulationBuilder,
it gives the amounts the desk shows."""
import json

import pytest
from openfisca_core.simulation_builder import SimulationBuilder

from aidant_desk.cli import main

from .conftest import EXAMPLES, MONTH, example

PLURALS = {"individu": "individus", "famille": "familles", "foyer_fiscal": "foyers_fiscaux", "menage": "menages"}


def replayed(simulation, variable: str, period: str, plural: str, instance: str) -> float:
    """The variable computed by openfisca on the written situation alone."""
    population = simulation.populations[next(k for k, v in PLURALS.items() if v == plural)]
    return float(simulation.calculate(variable, period)[list(population.ids).index(instance)])


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*.json")))
def test_the_written_situation_replays_to_the_same_amounts(name, tmp_path, tbs, engine, catalogue, capsys):
    out = tmp_path / "situation.json"
    assert main(["situation", str(EXAMPLES / f"{name}.json"), "--month", MONTH, "-o", str(out)]) == 0
    situation = json.loads(out.read_text(encoding="utf-8"))
    result = engine.simulate(example(name).with_month(MONTH))
    simulation = SimulationBuilder().build_from_entities(tbs, situation)
    compared = 0
    for aid in result.aids:
        info = catalogue.aid(aid.aid_id).openfisca
        if info is None or info.entity == "individu" or info.unit == "eligibilite" or aid.amount is None:
            continue
        period = MONTH if info.period == "month" else MONTH[:4]
        plural = PLURALS[info.entity]
        # An aid counting an expected child is read in the twin household that has it, when there is one.
        twins = [i for i in situation[plural] if i.startswith("d0n_")] if info.counts_unborn else []
        instance = (twins or [i for i in situation[plural] if i.startswith("d0_")])[0]
        # Asked for at its period, as /calculate wants (earlier months may be inputs: benefits received).
        assert situation[plural][instance][info.variable][period] is None
        value = replayed(simulation, info.variable, period, plural, instance)
        expected = value / 12 if info.amount_is_annual and aid.periodicity == "mensuelle" else value
        assert aid.amount == pytest.approx(expected, abs=0.01), aid.aid_id
        compared += 1
    assert compared >= 3, compared  # RSA, prime d'activité, aide au logement... were compared


def test_the_situation_goes_to_standard_output_and_a_bad_dossier_is_refused_in_french(tmp_path, capsys):
    assert main(["situation", str(EXAMPLES / "personne_seule_sans_revenu.json"), "--month", MONTH]) == 0
    situation = json.loads(capsys.readouterr().out)
    assert set(situation) == set(PLURALS.values())
    assert situation["familles"]["d0_famille"]["rsa"][MONTH] is None
    bad = tmp_path / "bad.json"
    bad.write_text('{"format_version": 1, "people": []}', encoding="utf-8")
    assert main(["situation", str(bad)]) != 0
    assert "Erreur" in capsys.readouterr().err
