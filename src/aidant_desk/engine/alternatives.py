"""Aids the law does not let a person add up (rules/alternatives.yaml).

Of a group's options, the one worth most a month is the right; every aid of another
option that is also open keeps its amount and is shown as « ou bien » that right,
never added to a total.
"""
from __future__ import annotations

import dataclasses

from ..catalogue import Alternative
from .results import AidResult


def _worth(result: AidResult) -> float:
    """Monthly value, to compare options (a yearly amount counts a twelfth)."""
    if not result.eligible:
        return 0.0
    amount = result.amount or 0.0
    return amount / 12 if result.periodicity == "annuelle" else amount


def apply_alternatives(results: tuple[AidResult, ...], alternatives: tuple[Alternative, ...]) -> tuple[AidResult, ...]:
    by_id = {r.aid_id: r for r in results}
    for group in alternatives:
        options = [[by_id[a] for a in option if a in by_id] for option in group.options]
        open_options = [o for o in options if any(r.eligible for r in o)]
        if len(open_options) < 2:
            continue
        best = max(open_options, key=lambda o: sum(_worth(r) for r in o))
        right = next(r for r in best if r.eligible)
        chosen = " et ".join(r.label for r in best if r.eligible)
        for option in open_options:
            if option is best:
                continue
            for result in option:
                if result.eligible:
                    by_id[result.aid_id] = dataclasses.replace(
                        result, alternative_to=right.aid_id,
                        reason=f"Ou bien, à la place de : {chosen}. {group.reason} {result.reason}")
    return tuple(by_id[r.aid_id] for r in results)
