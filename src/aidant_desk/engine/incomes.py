"""Incomes at their source, found by openfisca-france's own rules.

The counselor types what the person reads: net monthly amounts and the revenu fiscal
de référence of year N-2. openfisca's formulas start further up: the gross wage,
pension or unemployment benefit of each month, and each declarant's incomes of year
N-2 by category. Both are found here by inversion: a guess is fed to openfisca, its
own net (or `rfr`) is read back, and the guess is corrected until the two agree.

Every function here is monotone and piecewise linear (contribution rates change at
thresholds), so a secant step kept inside a bracket (bisection when it leaves it)
converges in a few rounds, all unknowns of a batch at once, one simulation a round.
"""
from __future__ import annotations

from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field

import numpy as np

# Tolerances: a cent on a monthly net, a quarter of a euro on a yearly RFR.
NET_TOLERANCE = 0.005
RFR_TOLERANCE = 0.25
MAX_ROUNDS = 30
# Below this slope a secant step is not trusted (flat stretches: CSG floors, deductions).
MIN_SLOPE = 0.05
CACHE_SIZE = 4096


@dataclass
class Unknown:
    """One value to find: `writes` put it in the situation, `reads` is what must equal `target`."""

    writes: list[tuple[dict, str, float]]  # (by-period dict, period, factor): dict[period] = x * factor
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
        for values, period, factor in self.writes:
            values[period] = x * factor


@dataclass
class Household:
    """The unknowns of one household, and the key its solution is cached under."""

    key: str
    unknowns: list[Unknown] = field(default_factory=list)


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
    """Write into the situation every household's inputs; return the simulation of the
    last round (whose inputs are the final ones), or None when nothing had to be solved."""
    pending: list[Unknown] = []
    solved_households: list[Household] = []
    for household in households:
        cached = cache.get(household.key) if cache is not None else None
        if cached is not None and len(cached) == len(household.unknowns):
            for unknown, x in zip(household.unknowns, cached):
                unknown.write(x)
        else:
            pending.extend(household.unknowns)
            solved_households.append(household)
    if not pending:
        return None
    found: dict[int, float] = {}
    simulation = None
    for stage in sorted({u.stage for u in pending}):
        unknowns = [u for u in pending if u.stage == stage]
        x, simulation = _solve(unknowns, build)
        found.update((id(u), float(v)) for u, v in zip(unknowns, x))
    if cache is not None:
        for household in solved_households:
            cache.put(household.key, [found[id(u)] for u in household.unknowns])
    return simulation


def _solve(unknowns: list[Unknown], build):
    """(solution, simulation built from it)."""
    target = np.array([u.target for u in unknowns])
    tolerance = np.array([u.tolerance for u in unknowns])
    x = np.array([u.guess for u in unknowns])
    slope = np.array([u.slope for u in unknowns])
    lo = np.zeros_like(x)
    hi = np.full_like(x, np.inf)
    prev_x = prev_f = None
    groups = defaultdict(list)  # (entity, variable, period) -> [(unknown index, entity id)]
    for i, u in enumerate(unknowns):
        entity, eid, variable = u.read
        groups[entity, variable, u.period].append((i, eid))

    def evaluate(values: np.ndarray):
        for u, v in zip(unknowns, values):
            u.write(float(v))
        simulation = build()
        out = np.empty_like(values)
        for (entity, variable, period), members in groups.items():
            index = {eid: i for i, eid in enumerate(simulation.populations[entity].ids)}
            result = simulation.calculate(variable, period)
            for i, eid in members:
                out[i] = result[index[eid]]
        return out, simulation

    f, simulation = evaluate(x)
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
        f, simulation = evaluate(x)
    return x, simulation
