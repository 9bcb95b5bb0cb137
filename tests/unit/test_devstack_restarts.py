"""`make run` brings a crashed process back with exponential backoff; a process stopped on purpose stays down."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from devstack.processes import ProcessSpec
from devstack.restarts import Backoff, Restarter
from devstack.supervised import Supervised, stop_all
from tests.support.polling import wait_until

ROOT = Path(__file__).resolve().parents[2]
QUICK = Backoff(first=0.05, cap=0.2, stable_after=0.5)


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def sleeper(tmp_path):
    """A tiny real child process that runs until it is killed."""
    spec = ProcessSpec("sleeper", "app", 0, (sys.executable, "-c", "import time; time.sleep(600)"), "tcp")
    proc = Supervised(spec, tmp_path / "sleeper.log", dict(os.environ), ROOT).start()
    yield proc
    stop_all([proc])


def test_the_backoff_doubles_from_half_a_second_up_to_thirty():
    assert [Backoff().delay(n) for n in range(1, 9)] == [0.5, 1, 2, 4, 8, 16, 30, 30]


def test_a_sigkilled_process_is_started_again_and_the_restart_is_logged(sleeper, caplog):
    procs = {"sleeper": sleeper}
    restarter = Restarter(procs, QUICK)
    restarter.tick()
    first = sleeper.pid
    os.kill(first, signal.SIGKILL)

    def restarted():
        restarter.tick()
        return sleeper.alive() and sleeper.pid != first

    wait_until(restarted, timeout=10, message="the killed child to be started again")
    assert restarter.restarts == 1
    assert "sleeper exited (code -9); restarting in 0.05s" in caplog.text
    assert f"sleeper restarted (pid {sleeper.pid})" in caplog.text
    assert "restarting sleeper after a crash" in sleeper.log_path.read_text()


def test_crashes_in_a_row_wait_longer_each_time_until_the_process_stays_up(sleeper):
    clock = FakeClock()
    restarter = Restarter({"sleeper": sleeper}, Backoff(first=0.5, cap=30, stable_after=60), clock)
    restarter.tick()
    waits = []
    for _ in range(3):
        os.kill(sleeper.pid, signal.SIGKILL)
        sleeper.proc.wait(5)
        restarter.tick()
        track = restarter.tracks["sleeper"]
        waits.append(track.due - clock.now)
        assert restarter.seconds_to_due(cap=2.0) == track.due - clock.now  # the supervisor sleeps until then
        clock.now = track.due - 0.01
        restarter.tick()
        assert not sleeper.alive(), "restarted before its backoff was over"
        clock.now = track.due
        restarter.tick()
        assert sleeper.alive()
    assert waits == [0.5, 1.0, 2.0]
    assert restarter.seconds_to_due(cap=2.0) == 2.0  # nothing pending: the supervisor sleeps its longest
    clock.now += 60  # up for a minute: the next crash starts the backoff again
    restarter.tick()
    os.kill(sleeper.pid, signal.SIGKILL)
    sleeper.proc.wait(5)
    restarter.tick()
    assert restarter.tracks["sleeper"].due - clock.now == 0.5


def test_a_process_the_stack_stopped_on_purpose_is_not_restarted(sleeper):
    procs = {"sleeper": sleeper}
    restarter = Restarter(procs, QUICK)
    restarter.tick()
    procs.pop("sleeper")  # what Stack.kill and Stack.stop do before they signal
    stop_all([sleeper])
    for _ in range(5):
        restarter.tick()
    assert not sleeper.alive() and restarter.restarts == 0
