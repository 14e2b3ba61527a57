"""Small-cell suppression with carry-over for breakdown cells (per aid, per life event).

A cell below the threshold never leaves the desk: it waits, and what arrives later is
added to it; once the cumulative cell reaches the threshold it is released whole, so
long-run totals stay exact. Headline totals are not suppressed.
"""
from __future__ import annotations

from typing import Mapping

THRESHOLD = 11


def release_cells(pending: Mapping[str, int], new: Mapping[str, int],
                  threshold: int = THRESHOLD) -> tuple[dict[str, int], dict[str, int]]:
    """(released, still pending) after adding new counts to the pending ones."""
    released, waiting = {}, dict(pending)
    for key, count in new.items():
        total = waiting.pop(key, 0) + count
        if total >= threshold:
            released[key] = total
        else:
            waiting[key] = total
    return released, waiting
