"""One retry-spacing rule for every loop that waits after a failure (producers, restarts, re-drives)."""

from __future__ import annotations


def exponential(attempt: int, first: float, cap: float) -> float:
    """The wait before retry number `attempt` (1 is the first): first, 2×first, 4×first … never above cap."""
    return min(cap, first * 2 ** max(0, attempt - 1))
