"""A guard against kafka-python's poll spinning while the broker hangs (accepts connections, answers nothing).

kafka-python 3.0.12 (the newest release) caps each fetch wait by the time to the next heartbeat; once a heartbeat
to a hung broker is overdue that time is 0, so poll() spins for its whole timeout, and its I/O thread with it
(py-spy: Fetcher._send_fetches_async). The same shape as dpkp/kafka-python#2667. An idle poll costs its thread
almost no CPU and a spinning one 10-20 % of it: an empty poll that cost more than SPIN_SHARE is a spin, and the
consumer sleeps before polling again, 0.25 s doubling to 5 s (under the 6 s session timeout).
"""
from __future__ import annotations

import logging
import time

log = logging.getLogger(__name__)


class SpinGuard:
    SPIN_SHARE, FIRST, MAX, CALM_POLLS = 0.05, 0.25, 5.0, 3

    def __init__(self, name: str):
        self.name, self.delay, self.spins, self.calm = name, 0.0, 0, 0
        self._wall = self._cpu = 0.0

    def before_poll(self) -> None:
        self._wall, self._cpu = time.monotonic(), time.thread_time()

    def after_poll(self, got_records: bool) -> float:
        """Seconds to wait before the next poll: 0 unless the last one spun empty."""
        wall = time.monotonic() - self._wall
        spun = not got_records and wall > 0 and (time.thread_time() - self._cpu) > self.SPIN_SHARE * wall
        if not spun:
            # One cheap poll can happen inside a hang (a request timing out): forget the backoff only after
            # records or a few calm polls, or a flapping guard would start its ramp again every time.
            self.calm += 1
            if self.delay and (got_records or self.calm >= self.CALM_POLLS):
                log.info("broker answers again; polling normally", extra={"group": self.name})
                self.delay = 0.0
            return 0.0
        self.calm = 0
        if not self.delay:
            log.warning("poll spins without answers (broker hung?); backing off", extra={"group": self.name})
        self.spins += 1
        self.delay = min(self.MAX, max(self.FIRST, self.delay * 2))
        return self.delay
