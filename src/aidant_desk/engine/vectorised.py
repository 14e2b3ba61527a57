"""Build an openfisca simulation from a situation dict, one array per (variable,
period), instead of SimulationBuilder.build_from_entities' value-by-value walk.

Same semantics as build_from_entities (an instance that lacks a variable gets the
variable's default for the periods given to others), but a batch of 1,000 households
builds in a fraction of a second instead of tens of seconds.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np
from openfisca_core.simulation_builder import SimulationBuilder

# Plural keys of the situation dict -> openfisca entity keys.
_GROUPS = {"familles": "famille", "foyers_fiscaux": "foyer_fiscal", "menages": "menage"}


def _roles(entity) -> dict[str, list[str]]:
    """Plural role key in a situation ('parents') -> the role keys its members take
    in order: a role with sub-roles gives them one by one (demandeur, then conjoint)."""
    return {role.plural or role.key: [sub.key for sub in role.subroles] if role.subroles else [role.key]
            for role in entity.roles}


def _column(variable, values: list):
    if variable.value_type.__name__ == "Enum":
        return variable.possible_values.encode(np.asarray(values))
    return np.asarray(values, dtype=variable.dtype)


def build(tbs, situation: dict):
    """A Simulation for `situation` (the usual openfisca JSON shape)."""
    builder = SimulationBuilder()
    builder.create_entities(tbs)
    persons = list(situation["individus"])
    builder.declare_person_entity("individu", persons)
    for plural, key in _GROUPS.items():
        instances = situation.get(plural, {})
        entity = next(e for e in tbs.entities if e.key == key)
        population = builder.declare_entity(key, list(instances))
        roles = _roles(entity)
        member_of, role_of = [], []
        membership = {}
        for gid, data in instances.items():
            for plural_role, keys in roles.items():
                for i, pid in enumerate(data.get(plural_role, [])):
                    membership[pid] = (gid, keys[min(i, len(keys) - 1)])
        for pid in persons:
            gid, role = membership[pid]
            member_of.append(gid)
            role_of.append(role)
        builder.join_with_persons(population, member_of, role_of)
    simulation = builder.build(tbs)
    _set_inputs(simulation, tbs, "individu", situation["individus"], set())
    for plural, key in _GROUPS.items():
        entity = next(e for e in tbs.entities if e.key == key)
        role_names = {role.plural or role.key for role in entity.roles}
        _set_inputs(simulation, tbs, key, situation.get(plural, {}), role_names)
    return simulation


def _set_inputs(simulation, tbs, entity_key: str, instances: dict, skip: set) -> None:
    index = {iid: i for i, iid in enumerate(instances)}
    columns: dict[tuple[str, str], dict[int, object]] = defaultdict(dict)
    for iid, data in instances.items():
        for name, by_period in data.items():
            if name in skip:
                continue
            for period, value in by_period.items():
                columns[name, period][index[iid]] = value
    count = len(instances)
    for (name, period), given in columns.items():
        variable = tbs.variables[name]
        default = variable.default_value
        if variable.value_type.__name__ == "Enum":
            default = default.name
        values = [given.get(i, default) for i in range(count)]
        simulation.set_input(name, period, _column(variable, values))
