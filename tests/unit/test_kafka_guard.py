"""The consumer's spin guard: an empty poll that burned CPU backs off, growing; calm polls or records end it."""
from __future__ import annotations

import time

from common.kafka_guard import SpinGuard


def poll(guard: SpinGuard, busy: bool, records: bool = False) -> float:
    guard.before_poll()
    end = time.monotonic() + 0.03
    while time.monotonic() < end:
        if not busy:
            time.sleep(0.005)  # an idle poll waits on the network: no CPU
    return guard.after_poll(records)


def test_an_idle_empty_poll_never_waits():
    guard = SpinGuard("g")
    assert [poll(guard, busy=False) for _ in range(3)] == [0.0, 0.0, 0.0]


def test_spinning_empty_polls_back_off_doubling_up_to_the_cap():
    guard = SpinGuard("g")
    assert [poll(guard, busy=True) for _ in range(7)] == [0.25, 0.5, 1.0, 2.0, 4.0, 5.0, 5.0]


def test_a_single_calm_poll_inside_a_hang_keeps_the_backoff_and_records_end_it():
    guard = SpinGuard("g")
    poll(guard, busy=True)
    poll(guard, busy=True)
    assert poll(guard, busy=False) == 0.0 and poll(guard, busy=True) == 1.0
    assert poll(guard, busy=False, records=True) == 0.0 and poll(guard, busy=True) == 0.25


def test_a_busy_poll_that_brought_records_is_work_not_a_spin():
    assert poll(SpinGuard("g"), busy=True, records=True) == 0.0
