"""A circuit breaker per upstream: opens on an unreachable upstream or a failure rate over volume, never on one client.

Not pybreaker: its `call` holds the breaker's lock for the whole wrapped call (danielfm/pybreaker issues #3, #55),
so every request through one upstream client would run one at a time. This one locks only its counters.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref

log = logging.getLogger(__name__)
CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"
_BREAKERS: weakref.WeakSet = weakref.WeakSet()  # every live breaker of the process, for /metrics


def all_breakers() -> list:
    return list(_BREAKERS)


class BreakerOpen(Exception):
    """The upstream is considered down; the call was not attempted."""


class FailureRate:
    """Calls and failures over a sliding window of one-second buckets; `record` says whether the rate trips."""

    def __init__(self, window: int = 10, min_calls: int = 20, ratio: float = 0.5, clock=time.monotonic):
        self.window, self.min_calls, self.ratio, self._clock = window, min_calls, ratio, clock
        self._buckets: dict[int, list[int]] = {}

    def record(self, failed: bool) -> bool:
        now = int(self._clock())
        for second in [s for s in self._buckets if s <= now - self.window]:
            del self._buckets[second]
        bucket = self._buckets.setdefault(now, [0, 0])
        bucket[0] += 1
        bucket[1] += failed
        calls = sum(b[0] for b in self._buckets.values())
        failures = sum(b[1] for b in self._buckets.values())
        return calls >= self.min_calls and failures >= self.ratio * calls

    def reset(self) -> None:
        self._buckets.clear()


class CircuitBreaker:
    """Closed until `fail_max` transport failures in a row (refused, reset, timed out) or until the window's failure
    rate trips (transport failures and 5xx answers, at least `min_calls` of them). Open: calls fail fast for
    `reset_timeout` seconds, then one trial call is let through; its success closes the breaker, its failure re-opens
    it. 4xx answers are the caller's fault and count as successes, so no client can open it with bad requests."""

    def __init__(
        self,
        name: str,
        fail_max: int = 5,
        reset_timeout: float = 10.0,
        rate: FailureRate | None = None,
        clock=time.monotonic,
    ):
        self.name, self.fail_max, self.reset_timeout, self._clock = name, fail_max, reset_timeout, clock
        self.rate = rate or FailureRate(clock=clock)
        self._lock = threading.Lock()
        self._state, self._in_a_row, self._opened_at, self._probing = CLOSED, 0, 0.0, False
        self.openings = 0
        _BREAKERS.add(self)

    @property
    def state(self) -> str:
        with self._lock:
            if self._state == OPEN and self._clock() - self._opened_at >= self.reset_timeout:
                return HALF_OPEN
            return self._state

    def admit(self) -> bool:
        """Raise BreakerOpen if the call may not go out; return True if it is the trial call of a half-open breaker."""
        with self._lock:
            if self._state == CLOSED:
                return False
            if not self._probing and self._clock() - self._opened_at >= self.reset_timeout:
                self._probing = True
                return True
        raise BreakerOpen(self.name)

    def record(self, outcome: str | None, trial: bool = False) -> None:
        """Note how an admitted call went: "ok" (any answer under 500), "error" (a 5xx answer), "down" (no answer),
        or None (our own code failed, which says nothing about the upstream)."""
        with self._lock:
            if trial:
                self._probing = False
                if outcome == "ok":
                    self._change(CLOSED)
                elif outcome is not None:
                    self._change(OPEN)
                return
            if self._state != CLOSED or outcome is None:
                return  # a late answer to a call admitted before the opening changes nothing
            self._in_a_row = self._in_a_row + 1 if outcome == "down" else 0
            if self.rate.record(outcome != "ok") or self._in_a_row >= self.fail_max:
                self._change(OPEN)

    def _change(self, state: str) -> None:
        if state == OPEN:
            self._opened_at = self._clock()
            self.openings += 1
        if state != self._state:
            log.warning("circuit breaker %s", state, extra={"upstream": self.name, "state": state})
        self._state, self._in_a_row = state, 0
        self.rate.reset()
