"""The situation the engine computes, as a request for the OpenFisca Web API
(`POST /calculate`): the inputs it fed openfisca-france (incomes solved at their source),
and every aid of the catalogue asked for (`null` at its period), so that a reuser can
replay a dossier elsewhere and get the same amounts."""
from __future__ import annotations

import copy

from ..catalogue import Catalogue

# openfisca-france's entity keys and the situation's plural keys.
PLURALS = {"individu": "individus", "famille": "familles", "foyer_fiscal": "foyers_fiscaux", "menage": "menages"}


def calculate_request(situation: dict, catalogue: Catalogue, month: str) -> dict:
    """A copy of `situation` asking, on each instance of its entity, for each aid
    openfisca computes; an input the situation already gives stays as it is."""
    request = copy.deepcopy(situation)
    for aid in catalogue.openfisca_aids:
        computation = aid.openfisca
        period = month if computation.period == "month" else month[:4]
        for instance in request[PLURALS[computation.entity]].values():
            instance.setdefault(computation.variable, {}).setdefault(period, None)
    return request
