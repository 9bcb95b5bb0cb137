"""A checkout request waits for its payment to open only while the worker can spare a thread, and is woken by it."""

from __future__ import annotations

import threading
import time

from services.payments import openings as openings_module
from services.payments.openings import Openings


def test_only_so_many_requests_wait_at_once_and_a_place_comes_back_when_one_is_done():
    openings = Openings(max_waiters=2)
    assert openings.waiter() and openings.waiter()
    assert not openings.waiter()  # a third answers at once
    openings.done()
    assert openings.waiter()


def test_a_waiter_is_woken_by_an_opening(monkeypatch):
    monkeypatch.setattr(openings_module, "LOOK_AGAIN", 60.0)  # only the opening can end this wait early
    openings = Openings()
    seen = openings.count()
    threading.Timer(0.05, openings.opened).start()
    started = time.monotonic()
    openings.wait(seen, timeout=60)
    assert time.monotonic() - started < 30 and openings.count() == seen + 1


def test_a_waiter_that_hears_nothing_looks_again_after_a_while():
    openings = Openings()
    started = time.monotonic()
    openings.wait(openings.count(), timeout=60)  # another process may have opened it: look in the database
    assert time.monotonic() - started < openings_module.LOOK_AGAIN + 5
