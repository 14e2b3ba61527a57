"""Rate limits on the batch endpoint: one token bucket per key (a device token, a
client address), in memory, per server process.

A bucket holds up to `per_minute` requests and refills at per_minute / 60 a second,
so a desk may send its whole outbox at once, then one request every 60 / per_minute
seconds. Several server processes each keep their own buckets: the limit is then per
process, which is enough against a desk gone wrong or a token being guessed.
"""
from __future__ import annotations

import math
import threading
import time
from typing import Callable

# Requests a minute on the batch endpoint. A desk sends one batch per week waiting
# in its outbox, a few a day: 60 a minute lets a year's outbox through at once.
# Behind a proxy every request comes from the proxy's address unless it passes
# X-Forwarded-For (uvicorn believes it from 127.0.0.1): hence more per address.
PER_TOKEN_PER_MINUTE = 60
PER_ADDRESS_PER_MINUTE = 120

# Buckets kept at most: past it, full buckets (the same as none) are dropped, then
# if need be the oldest ones.
MAX_KEYS = 50_000


class RateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_KEYS):
        """per_minute <= 0: no limit."""
        self.per_minute = per_minute
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # requests regained per second
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (requests left, at)
        self._lock = threading.Lock()

    def take(self, key: str) -> int | None:
        """Count one request for key: None if allowed, else the whole seconds to wait
        before one is (for Retry-After, at least 1); a refused request takes nothing."""
        if self.per_minute <= 0:
            return None
        with self._lock:
            now = self.clock()
            left, at = self._buckets.get(key, (self.capacity, now))
            left = min(self.capacity, left + max(0.0, now - at) * self.rate)
            if left >= 1.0 - 1e-9:  # not refused for a rounding error
                self._buckets.pop(key, None)  # re-inserted last: the dict stays in order of use
                self._buckets[key] = (left - 1.0, now)
                self._trim(now)
                return None
            self._buckets[key] = (left, now)
            return max(1, math.ceil((1.0 - left) / self.rate))

    def _trim(self, now: float) -> None:
        if len(self._buckets) <= self.max_keys:
            return
        for key, (left, at) in list(self._buckets.items()):
            if left + (now - at) * self.rate >= self.capacity:
                del self._buckets[key]
        while len(self._buckets) > self.max_keys:
            del self._buckets[next(iter(self._buckets))]
