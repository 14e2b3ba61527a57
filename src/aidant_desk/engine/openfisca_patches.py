"""Speed fixes to openfisca-france that change no result.

bail_reel_solidaire_zones_menage re-reads a 35,000-line CSV for every household
(about 0.18 s each: 3 minutes for a batch of 1,000). The file never changes during a
run, so its parsed content is kept after the first read.
"""
from __future__ import annotations

from functools import lru_cache

ZONES_READER = "bail_reel_solidaire_zones_elligibles"


def apply_speed_patches(tbs) -> None:
    variable = tbs.variables.get("bail_reel_solidaire_zones_menage")
    if variable is None:
        return
    for formula in variable.formulas.values():
        # openfisca loads each model file as its own module: patch the one the formula reads.
        module_globals = formula.__globals__
        reader = module_globals.get(ZONES_READER)
        if reader is not None and not hasattr(reader, "cache_info"):
            module_globals[ZONES_READER] = lru_cache(maxsize=1)(reader)
