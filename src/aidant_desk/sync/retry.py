"""Exponential backoff with jitter, so desks coming back online do not all retry at once."""
from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    base: float  # longest wait after the first failure, in seconds
    cap: float   # longest wait ever

    def delay(self, failures: int, rng: random.Random | None = None) -> float:
        """Equal jitter: between half and all of min(cap, base * 2**(failures - 1))."""
        ceiling = min(self.cap, self.base * 2 ** max(failures - 1, 0))
        return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


# Between tries of one batch within a sync: short, the counselor may be waiting.
WITHIN_SYNC = Backoff(base=0.2, cap=2.0)
# Before the background sync tries again after a failed sync.
BETWEEN_SYNCS = Backoff(base=30.0, cap=3600.0)
