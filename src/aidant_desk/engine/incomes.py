"""Incomes at their source, found by openfisca-france's own rules.

The counselor types what the person reads: net monthly amounts and the revenu fiscal
de référence of year N-2. openfisca's formulas start further up: the gross wage,
pension or unemployment benefit of each month, and each declarant's incomes of year
N-2 by category. Both are found here by inversion: a guess is fed to openfisca, its
own net (or `rfr`) is read back, and the guess is corrected until the two agree.

Every function here is monotone and piecewise linear (contribution rates change at
thresholds), so a secant step kept inside a bracket (bisection when it leaves it)
converges in a few rounds, all unknowns of a batch at once, in one simulation whose
inputs are set again each round.
"""
from __future__ import annotations

from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field

import numpy as np
from openfisca_core import periods

# Tolerances: a cent on a monthly net, a quarter of a euro on a yearly RFR.
NET_TOLERANCE = 0.005
RFR_TOLERANCE = 0.25
MAX_ROUNDS = 30
# Below this slope a secant step is not trusted (flat stretches: CSG floors, deductions).
MIN_SLOPE = 0.05
CACHE_SIZE = 4096


@dataclass
class Unknown:
    """One value to find: `writes` put it in the situation (and openfisca's inputs), `read` is what must equal `target`."""

    # (person's by-period dict, variable, person id, period, factor): dict[period] = x * factor
    writes: list[tuple[dict, str, str, str, float]]
    read: tuple[str, str, str]  # (entity key, entity id, variable), read at `period`
    period: str
    target: float
    guess: float
    slope: float  # expected d(read)/dx, for the first step
    tolerance: float
    # Unknowns are solved stage by stage: the N-2 notice (stage 0) sets the CSG rate of
    # a pension, so the gross of each month (stage 1) is found once the notice is known.
    stage: int = 1

    def write(self, x: float) -> None:
        for values, _, _, period, factor in self.writes:
            values[period] = x * factor


@dataclass
class Household:
    """The unknowns of one household, and the key its solution is cached under."""

    key: str
    unknowns: list[Unknown] = field(default_factory=list)
    # Found earlier, maybe under other rules (a kept dossier re-checked): where the search
    # starts, not an answer. When the rules did not move, one round confirms it.
    start: tuple[float, ...] = ()
    found: tuple[float, ...] = ()  # each unknown's value, once solved


class SolutionCache:
    """Solved inputs per household: a form edit that leaves incomes alone costs nothing."""

    def __init__(self, size: int = CACHE_SIZE):
        self.size = size
        self._values: OrderedDict[str, list[float]] = OrderedDict()

    def get(self, key: str) -> list[float] | None:
        if key in self._values:
            self._values.move_to_end(key)
            return self._values[key]
        return None

    def put(self, key: str, values: list[float]) -> None:
        self._values[key] = values
        self._values.move_to_end(key)
        while len(self._values) > self.size:
            self._values.popitem(last=False)


def solve(households: list[Household], build, cache: SolutionCache | None = None):
    """Write into the situation every household's inputs; return the simulation whose
    inputs are the final ones, or None when nothing had to be solved."""
    pending: list[Unknown] = []
    solved_households: list[Household] = []
    for household in households:
        cached = cache.get(household.key) if cache is not None else None
        if cached is not None and len(cached) == len(household.unknowns):
            for unknown, x in zip(household.unknowns, cached):
                unknown.write(x)
            household.found = tuple(cached)
        else:
            if len(household.start) == len(household.unknowns):
                for unknown, x in zip(household.unknowns, household.start):
                    unknown.guess = x
            pending.extend(household.unknowns)
            solved_households.append(household)
    if not pending:
        return None
    # One build: each round then only sets the unknowns' inputs and forgets what
    # openfisca computed from them (a build costs as much as a round's formulas).
    for unknown in pending:
        unknown.write(unknown.guess)
    simulation = build()
    inputs = {(name, period) for population in simulation.populations.values()
              for name, holder in population._holders.items() for period in holder.get_known_periods()}
    found: dict[int, float] = {}
    for stage in sorted({u.stage for u in pending}):
        unknowns = [u for u in pending if u.stage == stage]
        for u, v in zip(unknowns, _solve(unknowns, simulation, inputs)):
            u.write(float(v))
            found[id(u)] = float(v)
    for household in solved_households:
        household.found = tuple(found[id(u)] for u in household.unknowns)
        if cache is not None:
            cache.put(household.key, list(household.found))
    return simulation


def _forget(simulation, inputs: set, since) -> None:
    """Drop every array openfisca computed for a period that ends on or after `since`:
    the inputs changed there (formulas read the past, never the future)."""
    for population in simulation.populations.values():
        for name, holder in population._holders.items():  # openfisca lists holders nowhere public
            stale = [period for period in holder.get_known_periods() if (name, period) not in inputs
                     and (period.unit == periods.ETERNITY or period.stop >= since)]
            if stale and len(stale) == len(holder.get_known_periods()):
                holder.delete_arrays()
            else:
                for period in stale:
                    holder.delete_arrays(period)


def _positions(unknowns: list[Unknown], simulation):
    """Where each unknown goes in openfisca's input arrays:
    (variable, period) -> (array positions, unknown indices, factors)."""
    person = {pid: i for i, pid in enumerate(simulation.populations["individu"].ids)}
    writes = defaultdict(lambda: ([], [], []))
    for i, u in enumerate(unknowns):
        for _, variable, pid, period, factor in u.writes:
            at, index, factors = writes[variable, period]
            at.append(person[pid])
            index.append(i)
            factors.append(factor)
    return {k: tuple(np.array(v) for v in columns) for k, columns in writes.items()}


def _reads(unknowns: list[Unknown], simulation):
    """Where each unknown is read back: (entity, variable, period) -> (positions, unknown indices)."""
    reads = defaultdict(lambda: ([], []))
    for i, u in enumerate(unknowns):
        entity, eid, variable = u.read
        reads[entity, variable, u.period][0].append(eid)
        reads[entity, variable, u.period][1].append(i)
    for (entity, _, _), (eids, _) in reads.items():
        index = {eid: i for i, eid in enumerate(simulation.populations[entity].ids)}
        eids[:] = [index[eid] for eid in eids]
    return {k: tuple(np.array(v) for v in columns) for k, columns in reads.items()}


def _alike(unknowns: list[Unknown]) -> np.ndarray:
    """For each unknown, the index of the first one that differs from it by its period
    only (the same net every month, for the same person): most share its answer."""
    first: dict[tuple, int] = {}
    return np.array([first.setdefault((tuple((w[1], w[2], w[4]) for w in u.writes), u.read, u.target,
                                       u.tolerance), i) for i, u in enumerate(unknowns)])


def _solve(unknowns: list[Unknown], simulation, inputs: set) -> np.ndarray:
    """Every unknown at once. When many differ by their month only, one of each is solved
    first, reading that month alone (openfisca then computes one month, not all of
    them); the others start from its answer, and most are found in one round."""
    writes = _positions(unknowns, simulation)
    since = min(periods.period(period).start for _, period in writes)

    def evaluate(values: np.ndarray, reads) -> np.ndarray:
        for (variable, period), (at, index, factors) in writes.items():
            holder = simulation.get_holder(variable)
            column = holder.get_array(period).copy()
            column[at] = values[index] * factors
            holder.delete_arrays(period)  # openfisca refuses to set an input twice
            holder.set_input(period, column)
        _forget(simulation, inputs, since)
        out = np.empty(sum(len(index) for _, index in reads.values()))
        for (entity, variable, period), (at, index) in reads.items():
            out[index] = simulation.calculate(variable, period)[at]
        return out

    x = np.array([u.guess for u in unknowns])
    slope = np.array([u.slope for u in unknowns])
    alike = _alike(unknowns)
    firsts = np.unique(alike)
    if len(firsts) < len(unknowns):
        ones = [unknowns[i] for i in firsts]
        one_reads = _reads(ones, simulation)
        of_one = np.searchsorted(firsts, alike)  # each unknown's place among the firsts
        found, found_slope = _secant(x[firsts], slope[firsts], ones,
                                     lambda values: evaluate(values[of_one], one_reads))
        x, slope = found[of_one], found_slope[of_one]
    all_reads = _reads(unknowns, simulation)
    return _secant(x, slope, unknowns, lambda values: evaluate(values, all_reads))[0]


def _secant(x: np.ndarray, slope: np.ndarray, unknowns: list[Unknown], evaluate) -> tuple[np.ndarray, np.ndarray]:
    """Each unknown's x such that evaluate(x) is its target within its tolerance, and the
    slope last measured there."""
    target = np.array([u.target for u in unknowns])
    tolerance = np.array([u.tolerance for u in unknowns])
    lo = np.zeros_like(x)
    hi = np.full_like(x, np.inf)
    prev_x = prev_f = None
    f = evaluate(x)
    for _ in range(MAX_ROUNDS):
        error = f - target
        done = np.abs(error) <= tolerance
        if done.all():
            break
        lo = np.where(error < 0, np.maximum(lo, x), lo)
        hi = np.where(error > 0, np.minimum(hi, x), hi)
        if prev_x is not None:
            moved = np.abs(x - prev_x) > 1e-9
            measured = np.divide(f - prev_f, x - prev_x, out=np.zeros_like(x), where=moved)
            slope = np.where(moved & (measured > MIN_SLOPE), measured, slope)
        step = x - error / slope
        outside = (step <= lo) | (step >= hi)
        bisect = np.where(np.isfinite(hi), (lo + hi) / 2, np.maximum(2 * x, x + 100.0))
        new = np.where(outside, bisect, step)
        prev_x, prev_f = x, f
        x = np.where(done, x, np.maximum(new, 0.0))
        f = evaluate(x)
    return x, slope
