"""Sliding read windows: the previous window still counts for the part of it the current one overlaps."""
from __future__ import annotations

from gateway.limits import Limit
from gateway.synced_windows import SyncedWindows


class Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_burst_at_the_end_of_a_window_still_counts_early_in_the_next():
    clock, limit = Clock(59.0), Limit.parse("5/minute")
    windows = SyncedWindows(redis=None, clock=clock)
    windows._ensure_syncing = lambda: None  # no Redis here: only the counting is under test
    assert [windows.hit("r", "ip", limit)[0] for _ in range(5)] == [1, 2, 3, 4, 5]
    clock.now = 75.0  # a quarter into the next window: the five weigh 3.75
    assert windows.hit("r", "ip", limit)[0] == 4.75
    assert windows.hit("r", "ip", limit)[0] > limit.amount


def test_limits_are_read_in_flask_limiter_notation():
    assert Limit.parse("6000/minute") == Limit(6000, 60)
    assert Limit.parse("10 per 5 seconds") == Limit(10, 5)
    assert str(Limit.parse("3/minute")) == "3 per 60 seconds"
