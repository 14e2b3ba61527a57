"""The speed patches change no result: on generated households, every aid of the
catalogue and every refusal criterion computed on the patched system (legislation built
child by child when read) equals what openfisca-france computes on a system built and
used the usual way (FranceTaxBenefitSystem(), no patch)."""
import collections

import numpy as np
import pytest
from openfisca_core.errors import ParameterNotFoundError
from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_france import FranceTaxBenefitSystem

from aidant_desk.engine import build_simulation, tax_benefit_system
from aidant_desk.engine.openfisca_patches import LazyNodeAtInstant

from .generated_households import forward, generate

HOUSEHOLDS = 150


@pytest.fixture(scope="module")
def usual():
    return FranceTaxBenefitSystem()


def _variables(catalogue) -> set[tuple[str, str]]:
    wanted = set()
    for aid in catalogue.openfisca_aids:
        wanted.add((aid.computation.variable, aid.computation.period))
        wanted.update((c.variable, c.period) for c in aid.criteria)
    return wanted


def test_every_aid_and_criterion_is_computed_as_openfisca_does(catalogue, usual):
    by_month = collections.defaultdict(list)
    for seed in range(HOUSEHOLDS):
        household = generate(10_000 + seed)
        by_month[household.month].append(household)
    compared = 0
    for month, households in sorted(by_month.items()):
        situation = forward(households, month, catalogue, build_simulation).forward.situation()
        patched = build_simulation(situation)
        plain = SimulationBuilder().build_from_entities(usual, situation)
        for variable, period in sorted(_variables(catalogue)):
            when = month if period == "month" else month[:4]
            try:
                expected = plain.calculate(variable, when)
            except ParameterNotFoundError:  # no rule at that date: the patched one must say so too
                with pytest.raises(ParameterNotFoundError):
                    patched.calculate(variable, when)
                continue
            np.testing.assert_array_equal(patched.calculate(variable, when), expected, err_msg=f"{variable} {when}")
            compared += expected.size
    assert len(by_month) >= 2 and compared > 10_000


def test_a_node_at_a_date_reads_as_openfiscas(usual):
    lazy = tax_benefit_system().parameters("2026-01-01")
    plain = usual.parameters("2026-01-01")
    assert isinstance(lazy, LazyNodeAtInstant)
    family = "prestations_sociales.prestations_familiales"
    assert lazy.prestations_sociales.prestations_familiales.bmaf.bmaf == plain.prestations_sociales.prestations_familiales.bmaf.bmaf
    assert lazy["prestations_sociales"]["prestations_familiales"]["bmaf"]["bmaf"] == 474.37  # BMAF, avril 2025
    node = lazy.prestations_sociales.prestations_familiales
    assert list(node) == list(plain.prestations_sociales.prestations_familiales), family
    # A parameter with no value yet at that date is absent, as openfisca-core says.
    with pytest.raises(ParameterNotFoundError):
        lazy.prestations_sociales.prestations_familiales.no_such_parameter
    with pytest.raises(ParameterNotFoundError):
        lazy["no_such_node"]
