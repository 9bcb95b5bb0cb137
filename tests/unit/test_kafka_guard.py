"""The consumer's spin guard: an empty poll that burned CPU against a silent broker backs off, growing; a broker
that answers, a calm poll or records end it."""

from __future__ import annotations

import socket
import time

import pytest

from common.messaging import kafka_guard
from common.messaging.kafka import ConsumerRunner
from common.messaging.kafka_guard import SpinGuard, broker_answers

SILENT, ANSWERS = (lambda options: False), (lambda options: True)


class Clocks:
    """The guard's wall and thread-CPU clocks, moved by the test: a busy poll burns CPU for its whole wall time, an
    idle one none (it waits on the network), whatever else the machine is doing."""

    def __init__(self):
        self.wall = self.cpu = 0.0

    def monotonic(self) -> float:
        return self.wall

    def thread_time(self) -> float:
        return self.cpu


@pytest.fixture(autouse=True)
def clocks(monkeypatch):
    fake = Clocks()
    monkeypatch.setattr(kafka_guard, "time", fake)
    return fake


def poll(guard: SpinGuard, busy: bool, records: bool = False) -> float:
    guard.before_poll()
    clocks = kafka_guard.time
    assert isinstance(clocks, Clocks)  # the autouse fixture put the test's clocks there
    clocks.wall += 0.03
    if busy:
        clocks.cpu += 0.03
    return guard.after_poll(records)


def test_an_idle_empty_poll_never_waits():
    guard = SpinGuard("g", {}, probe=SILENT)
    assert [poll(guard, busy=False) for _ in range(3)] == [0.0, 0.0, 0.0]


def test_spinning_empty_polls_against_a_silent_broker_back_off_doubling_up_to_the_cap():
    guard = SpinGuard("g", {}, probe=SILENT)
    assert [poll(guard, busy=True) for _ in range(6)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]
    assert poll(guard, busy=False) == 0.0 and poll(guard, busy=True) == 0.5  # a calm poll starts over


def test_a_spin_while_the_broker_answers_is_the_clients_own_work_and_never_waits():
    guard = SpinGuard("g", {}, probe=ANSWERS)  # e.g. a group re-join after a broker restart
    assert [poll(guard, busy=True) for _ in range(3)] == [0.0, 0.0, 0.0]


def test_a_busy_poll_that_brought_records_is_work_not_a_spin():
    assert poll(SpinGuard("g", {}, probe=SILENT), busy=True, records=True) == 0.0


def test_a_server_that_accepts_but_never_answers_is_not_a_broker_that_answers():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()  # the kernel accepts connections, as for a SIGSTOPped broker
        port = server.getsockname()[1]
        started = time.monotonic()
        assert broker_answers({"bootstrap_servers": f"127.0.0.1:{port}"}, timeout=0.3) is False
        assert time.monotonic() - started < 2
    assert broker_answers({"bootstrap_servers": f"127.0.0.1:{port}"}, timeout=0.3) is False  # nobody listens


def test_an_idle_consumer_turns_once_a_second_but_every_200_ms_while_busy_or_backing_off():
    class Publisher:
        options: dict = {}

    runner = ConsumerRunner("127.0.0.1:9", "g", {"t": lambda e: None}, None, Publisher())
    runner.last_record = time.monotonic()
    assert runner._poll_ms() == runner.POLL_MS == 200  # a record a moment ago: busy
    runner.last_record = time.monotonic() - runner.IDLE_AFTER - 1
    assert runner._poll_ms() == runner.IDLE_POLL_MS == 1000  # nothing for a while: idle
    runner.guard.probe = SILENT
    assert poll(runner.guard, busy=True) > 0  # the broker hung: a spinning poll, then a back-off
    assert runner._poll_ms() == 200  # the guard's grain stays fine while it backs off
    runner.guard.probe = ANSWERS
    assert poll(runner.guard, busy=False) == 0
    assert runner._poll_ms() == 1000
