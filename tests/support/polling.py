"""Bounded polling for state outside the page (the API, the broker, the mail sink); pages wait with expect()."""

from __future__ import annotations

import time


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.05, message: str = "condition"):
    """The predicate's value once truthy, else an AssertionError naming what never happened."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)
