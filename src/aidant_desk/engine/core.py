"""The engine: one warm FranceTaxBenefitSystem, every aid of the catalogue in one
vectorised simulation, for one dossier, several scenarios or a batch."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version

import numpy as np

from ..catalogue import Aid, Catalogue, default_catalogue
from ..dossier import Dossier, InvalidData, Problem
from ..dossier.model import consistency_problems
from ..formatting import euros, number
from . import conditions
from .alternatives import apply_alternatives
from .incomes import SolutionCache
from .results import ELIGIBLE, NOT_ELIGIBLE, UNAVAILABLE, AidResult, SimulationResult, about
from .situation import Periods, SituationBuilder, notice_estimated

OPENFISCA_FRANCE_VERSION = version("OpenFisca-France")
OPENFISCA_CORE_VERSION = version("OpenFisca-Core")

# openfisca entity key -> key of the household's entity in SituationBuilder ids.
_HOUSEHOLD_ENTITY = {"famille": "famille", "menage": "menage", "foyer_fiscal": "foyer"}

ELIGIBLE_REASON = "Les conditions sont remplies pour la situation décrite."
UNAVAILABLE_REASON = ("Cette aide n'existait pas à cette date, ou openfisca-france n'en a pas les règles "
                      "pour cette date.")
ESTIMATE_NOTE = ("Revenu fiscal de référence N-2 inconnu : estimé à {income} à partir des 12 derniers mois. "
                 "Les aides qui en dépendent sont des estimations.")
# The first month simulated: openfisca-france's parameters and the history the engine
# feeds (N-3 incomes, 13 months back) are complete from there.
FIRST_MONTH = "2015-01"
PLAIN_SWITCH = "AIDANT_DESK_OPENFISCA_PLAIN"


@lru_cache(maxsize=1)
def tax_benefit_system():
    """Built once per process, its parameters from the cache on disk (system_cache), its
    legislation read lazily. AIDANT_DESK_OPENFISCA_PLAIN=1 builds and reads it as
    openfisca-france does (the benchmark's before; a check when a result is doubted)."""
    from .openfisca_patches import apply_speed_patches
    from .system_cache import build

    plain = os.environ.get(PLAIN_SWITCH) == "1"
    tbs = build(use_cache=not plain)
    apply_speed_patches(tbs, lazy_legislation=not plain)
    return tbs


def build_simulation(situation: dict):
    from .vectorised import build

    return build(tax_benefit_system(), situation)


def _openfisca_errors() -> tuple[type[Exception], ...]:
    """What openfisca raises for a period where a rule did not exist yet."""
    from openfisca_core.errors import ParameterNotFoundError

    return (ParameterNotFoundError,)


@dataclass
class _Computed:
    """Raw arrays from one simulation, indexed by entity position."""

    simulation: object
    index: dict  # entity key -> {entity id: position}
    # (variable, period) -> array or None: each dossier reads the same arrays again.
    values: dict = field(default_factory=dict)
    refusals: bool = True  # say why each aid not found is refused (reads its criteria too)


class Engine:
    """Computes the catalogue for dossiers. Thread-unsafe: use one serial worker."""

    def __init__(self, catalogue: Catalogue | None = None):
        self.catalogue = catalogue or default_catalogue()
        tax_benefit_system()  # load it now: every later simulation is warm
        self.last_requests: dict = {}  # (variable, period) asked of openfisca, for the benchmark
        self.incomes = SolutionCache()  # solved gross and N-2 incomes, per household

    # --- public entry points -----------------------------------------------------
    # The simulated month is the dossier's own (Dossier.month): the one place it lives.
    def simulate(self, dossier: Dossier) -> SimulationResult:
        return self.batch([dossier])[0]

    def scenarios(self, base: Dossier, variants: list[Dossier]) -> list[SimulationResult]:
        """The base and its variants (before/after, earnings ladder) in one simulation."""
        return self.batch([base, *variants])

    def batch(self, dossiers: list[Dossier], incomes_start: list[tuple] | None = None,
              refusals: bool = True) -> list[SimulationResult]:
        """Many dossiers of one month in one vectorised simulation; each keeps its own results.
        `incomes_start`: each dossier's `incomes_found` of an earlier computation, or ().
        Without `refusals`, an aid not found has no reason (a re-check compares statuses
        and amounts only): openfisca then computes no criterion the aids do not need."""
        month = _common_month(dossiers)
        for d in dossiers:
            self.check(d)
        builder = self._builder(dossiers, month, incomes_start)
        try:
            computed = self._run(builder, refusals)
        except _openfisca_errors() as error:  # a base openfisca cannot build for that month
            raise InvalidData([Problem("month", f"openfisca-france ne sait pas simuler « {month} » ({error.__class__.__name__})")]) from None
        self.last_requests = {}
        return [self._results(d, ids, computed, month, builder.incomes_found(i))
                for i, (d, ids) in enumerate(zip(dossiers, builder.households))]

    def situation(self, dossiers: list[Dossier], incomes_start: list[tuple] | None = None) -> dict:
        """The openfisca situation the engine computes on, incomes solved (for the
        benchmark, debugging and replay elsewhere). The i-th dossier's people are
        `d{i}_{person id}`, its groups `d{i}_famille`, `d{i}_foyer`, `d{i}_menage`."""
        return self._solve(dossiers, incomes_start)[0].situation

    def simulation(self, dossiers: list[Dossier]):
        """The openfisca simulation of that situation, to read intermediate variables from."""
        return self._solve(dossiers)[1]

    def _solve(self, dossiers: list[Dossier], incomes_start: list[tuple] | None = None) -> tuple[SituationBuilder, object]:
        builder = self._builder(dossiers, _common_month(dossiers), incomes_start)
        return builder, builder.simulation(build_simulation, self.incomes)

    def _builder(self, dossiers: list[Dossier], month: str, incomes_start: list[tuple] | None = None) -> SituationBuilder:
        builder = SituationBuilder(self.catalogue, month)
        for d, start in zip(dossiers, incomes_start or [()] * len(dossiers)):
            builder.add(d, start)
        return builder

    def check(self, dossier: Dossier) -> None:
        """Dates against the month simulated, and references to the catalogue."""
        month = dossier.month
        problems = consistency_problems(dossier)
        if month < FIRST_MONTH:
            problems.append(Problem("month", f"le calcul commence en janvier 2015 : « {month} » est trop ancien"))
        problems += [Problem(f"benefits_received.{k}", "aide inconnue du catalogue")
                     for k in dossier.benefits_received if not self.catalogue.has_aid(k)]
        if problems:
            raise InvalidData(problems)

    # --- internals -----------------------------------------------------------------
    def _run(self, builder: SituationBuilder, refusals: bool) -> _Computed:
        simulation = builder.simulation(build_simulation, self.incomes)
        index = {key: {eid: i for i, eid in enumerate(pop.ids)} for key, pop in simulation.populations.items()}
        return _Computed(simulation, index, refusals=refusals)

    def _value(self, computed: _Computed, variable: str, period: str):
        """openfisca's array, or None where a rule of it did not exist at that period."""
        # Computed once per batch: criteria shared by aids and dossiers cost once.
        self.last_requests.setdefault((variable, period))
        if (variable, period) not in computed.values:
            try:
                computed.values[variable, period] = computed.simulation.calculate(variable, period)
            except _openfisca_errors():
                computed.values[variable, period] = None
        return computed.values[variable, period]

    def _results(self, dossier: Dossier, ids: dict, computed: _Computed, month: str,
                 incomes_found: tuple) -> SimulationResult:
        estimated = notice_estimated(dossier)
        foyer = computed.index["foyer_fiscal"][ids["foyer"]]
        rfr = self._value(computed, "rfr", Periods(month).fiscal_year)
        if rfr is None:
            raise InvalidData([Problem("month", f"openfisca-france ne sait pas calculer l'impôt de l'année N-2 de « {month} »")])
        # The counselor's figure when typed (openfisca's recomputed rfr equals it within
        # a cent or so); openfisca's estimate otherwise.
        typed = dossier.fiscal_reference_income
        income = float(typed) if typed is not None else round(float(rfr[foyer]), 2)
        results: dict[str, AidResult] = {}
        for aid in self.catalogue.openfisca_aids:
            results[aid.id] = self._openfisca_result(aid, dossier, ids, computed, month, estimated)
        eligible_ids = {k for k, r in results.items() if r.status == ELIGIBLE}
        known = conditions.facts(dossier, month, income, eligible_ids)
        for aid in self.catalogue.condition_aids:
            results[aid.id] = conditions.evaluate(aid, known, estimated, aid.id in dossier.benefits_received)
        notes = (ESTIMATE_NOTE.format(income=euros(income)),) if estimated else ()
        return SimulationResult(
            month=month,
            aids=apply_alternatives(tuple(results[a.id] for a in self.catalogue.aids), self.catalogue.alternatives),
            fiscal_reference_income=income,
            fiscal_income_estimated=estimated,
            openfisca_france_version=OPENFISCA_FRANCE_VERSION,
            openfisca_core_version=OPENFISCA_CORE_VERSION,
            rules_version=self.catalogue.version,
            notes=notes,
            life_events=tuple(dossier.life_events),
            incomes_found=incomes_found,
        )

    def _positions(self, computed: _Computed, ids: dict, entity: str) -> list[tuple[str | None, int]]:
        """(person id or None, array position) of the dossier's entity for an aid."""
        if entity == "individu":
            return [(pid, computed.index["individu"][oid]) for pid, oid in ids["persons"].items()]
        return [(None, computed.index[entity][ids[_HOUSEHOLD_ENTITY[entity]]])]

    def _openfisca_result(self, aid: Aid, dossier: Dossier, ids: dict, computed: _Computed, month: str,
                          fiscal_estimated: bool) -> AidResult:
        of = aid.openfisca
        if of.counts_unborn:
            ids = ids.get("with_unborn", ids)
        values = self._value(computed, of.variable, _period(of.period, month))
        if values is None:
            return _unavailable(aid, of.unit)
        per_position = [(pid, values[pos]) for pid, pos in self._positions(computed, ids, of.entity)]
        if of.unit == "eligibilite":
            eligible = any(bool(v) for _, v in per_position)
            amount = None
            beneficiaries = tuple((pid, 1.0) for pid, v in per_position if pid and bool(v))
        else:
            combine = max if of.aggregate == "max" else sum
            amount = round(float(combine(float(v) for _, v in per_position)), 2)
            eligible = amount > 0
            beneficiaries = tuple((pid, round(float(v), 2)) for pid, v in per_position if pid and float(v) > 0)
        if eligible:
            reason = aid.eligible_reason or ELIGIBLE_REASON
        else:
            reason = self._refusal(aid, ids, computed, month) if computed.refusals else ""
        return AidResult(
            **about(aid),
            status=ELIGIBLE if eligible else NOT_ELIGIBLE,
            amount=amount if eligible else (None if amount is None else 0.0),
            unit=of.unit,
            reason=reason,
            estimated=(of.uses_fiscal_income and fiscal_estimated)
            or (of.uses_parental_income and _parental_income_missing(dossier)),
            already_received=aid.id in dossier.benefits_received,
            beneficiaries=beneficiaries,
        )

    def _refusal(self, aid: Aid, ids: dict, computed: _Computed, month: str) -> str:
        """The first criterion of the catalogue that fails, read from openfisca; its `fail`
        gets {value} and {limit} filled. None fails: the last one's sentence (the catalogue
        ends each list with the aid's own variable and what the aid requires)."""
        for criterion in aid.criteria:
            period = _period(criterion.period, month)
            if criterion.years_back:
                period = str(int(period) - criterion.years_back)
            values = self._value(computed, criterion.variable, period)
            positions = self._positions(computed, ids, criterion.entity)
            if criterion.entity == "individu" and aid.openfisca.entity != "individu":
                positions = positions[:1]  # a household aid: read for the applicant, who comes first
            if values is None:
                continue  # a criterion of a later law: the aid's own rule decides
            limit = criterion.at_most if criterion.at_most is not None else criterion.at_least
            if limit is None:
                readings = [(np.asarray(values[pos]).item(), None) for pid, pos in positions]
                holds = [bool(v) == criterion.expected for v, _ in readings]
            else:
                readings = [(np.asarray(values[pos]).item(), self._limit(computed, ids, limit, pid, month))
                            for pid, pos in positions]
                if any(lim is None for _, lim in readings):
                    continue
                holds = [v <= lim if criterion.at_most is not None else v >= lim for v, lim in readings]
            if not any(holds):
                value, lim = readings[0]
                return criterion.fail.format(value=_figure(criterion.variable, value), limit=_figure(criterion.variable, lim))
        if aid.criteria:
            return aid.criteria[-1].fail.format(value="", limit="")
        return f"Les conditions de « {aid.label} » ne sont pas remplies pour la situation décrite."

    def _limit(self, computed: _Computed, ids: dict, limit, pid: str | None, month: str):
        """A criterion's ceiling or floor: a number, an openfisca variable (for the same
        person, or the dossier's entity) or a parameter at the simulated month; None where
        openfisca has no such ceiling at that date (the criterion is then skipped)."""
        if not isinstance(limit, str):
            return limit
        variable = tax_benefit_system().variables.get(limit)
        # Before a scale existed, openfisca's parameter nodes are empty or unset.
        no_rule = (*_openfisca_errors(), IndexError, KeyError, TypeError)
        try:
            if variable is None:
                return _parameter(limit, month)
            period = month if str(variable.definition_period) == "month" else month[:4]
            values = self._value(computed, limit, period)
        except no_rule:
            return None
        if values is None:
            return None
        positions = dict(self._positions(computed, ids, variable.entity.key))
        pos = positions.get(pid, next(iter(positions.values()))) if variable.entity.key == "individu" \
            else next(iter(positions.values()))
        return np.asarray(values[pos]).item()


def parameter_node(path: str):
    """openfisca-france's parameter at a dotted path; KeyError if there is none."""
    node = tax_benefit_system().parameters
    for key in path.split("."):
        node = getattr(node, "children", {})[key]
    return node


@lru_cache(maxsize=256)
def _parameter(path: str, month: str) -> float:
    """One parameter at the simulated month (walking to the leaf: the whole tree at an
    instant costs a tenth of a second)."""
    return float(parameter_node(path)(f"{month}-01"))


def _figure(name: str, value) -> str:
    """A figure for a refusal sentence, read like the criterion's variable: euros for an
    amount (no cents when whole), the number itself otherwise (an age, a count)."""
    if value is None:
        return ""
    variable = tax_benefit_system().variables.get(name)
    if variable is not None and variable.value_type is float:
        return euros(value, 0 if round(float(value), 2) == round(float(value)) else 2)
    return number(value, 0) if float(value) == int(value) else number(value)


def _unavailable(aid: Aid, unit: str) -> AidResult:
    return AidResult(**about(aid), status=UNAVAILABLE, amount=None, unit=unit, reason=UNAVAILABLE_REASON)


def _parental_income_missing(dossier: Dossier) -> bool:
    return any(p.activity == "student" and p.parental_income is None for p in dossier.people)


def _period(kind: str, month: str) -> str:
    return month if kind == "month" else month[:4]


def _common_month(dossiers: list[Dossier]) -> str:
    months = {d.month for d in dossiers}
    if len(months) != 1 or None in months:
        raise InvalidData([Problem("month", "indiquez le mois simulé (AAAA-MM) : il doit être le même pour tout le lot")])
    return months.pop()
