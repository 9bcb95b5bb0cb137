"""A checkout request that may wait for its order's payment to open (stock.reserved) is woken by this process's
consumer the moment it opens one, instead of the shopper's page asking again and again (issue 26: the asks were a
tenth of an order's CPU). A payment opened by another process's consumer does not wake it: the waiter looks again
on its own every LOOK_AGAIN seconds."""

from __future__ import annotations

import threading
import time

LOOK_AGAIN = 0.25
# A waiting request holds one of the worker's 8 threads (gunicorn.conf.py): at most half of them wait, so webhooks,
# syncs and refunds always find a thread. Past that a request answers at once, and the shopper's waiting page asks.
MAX_WAITERS = 4


class Openings:
    def __init__(self, max_waiters: int = MAX_WAITERS) -> None:
        self._changed = threading.Condition()
        self._count = 0
        self._waiters = threading.BoundedSemaphore(max_waiters)

    def waiter(self) -> bool:
        """Take a place among the waiters (release it with `done`); False when every place is taken."""
        return self._waiters.acquire(blocking=False)

    def done(self) -> None:
        self._waiters.release()

    def count(self) -> int:
        """How many payments this process has opened: read before looking, then wait for it to move."""
        with self._changed:
            return self._count

    def opened(self) -> None:
        with self._changed:
            self._count += 1
            self._changed.notify_all()

    def wait(self, seen: int, timeout: float) -> None:
        """Until a payment opens after `seen` was read, or `timeout` (at most LOOK_AGAIN) has passed."""
        deadline = time.monotonic() + min(timeout, LOOK_AGAIN)
        with self._changed:
            while self._count == seen and (left := deadline - time.monotonic()) > 0:
                self._changed.wait(left)
