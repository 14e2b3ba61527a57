"""Check the catalogue against the installed openfisca-france: names change between releases."""
from __future__ import annotations

from ..catalogue import Catalogue
from ..dossier import Problem
from .core import parameter_node, tax_benefit_system


def _variable_problems(where: str, name: str, entity: str, period: str, variables: dict) -> list[Problem]:
    variable = variables.get(name)
    if variable is None:
        return [Problem(where, f"variable openfisca-france « {name} » inconnue dans la version installée")]
    problems = []
    if variable.entity.key != entity:
        problems.append(Problem(where, f"« {name} » est de l'entité {variable.entity.key}, pas {entity}"))
    if str(variable.definition_period) != period:
        problems.append(Problem(where, f"« {name} » a la période {variable.definition_period}, pas {period}"))
    return problems


def openfisca_problems(catalogue: Catalogue) -> list[Problem]:
    variables = tax_benefit_system().variables
    problems = []
    for aid in catalogue.openfisca_aids:
        of = aid.openfisca
        where = f"{aid.id}.yaml › computation.openfisca"
        problems += _variable_problems(where, of.variable, of.entity, of.period, variables)
        variable = variables.get(of.variable)
        if variable is not None and (variable.value_type is bool) != (of.unit == "eligibilite"):
            problems.append(Problem(f"{where}.unit", f"« {of.variable} » est de type {variable.value_type.__name__} : "
                                    "unit doit être eligibilite pour un booléen, et seulement pour lui"))
        for i, criterion in enumerate(aid.criteria):
            where = f"{aid.id}.yaml › criteria[{i}]"
            problems += _variable_problems(where, criterion.variable, criterion.entity, criterion.period, variables)
            for key in ("at_most", "at_least"):
                limit = getattr(criterion, key)
                if isinstance(limit, str) and limit not in variables and not _is_parameter(limit):
                    problems.append(Problem(f"{where}.{key}", f"« {limit} » n'est ni une variable ni un paramètre "
                                                              "d'openfisca-france dans la version installée"))
    return problems


def _is_parameter(path: str) -> bool:
    try:
        parameter_node(path)
    except KeyError:
        return False
    return True
