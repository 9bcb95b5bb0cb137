"""A private Tansu that a test can kill, restart on the same port, and freeze (SIGSTOP) to play a hung broker."""

from __future__ import annotations

import os
import signal
import time
from contextlib import contextmanager

from devstack.probes import free_port
from devstack.processes import ROOT, infra_spec
from devstack.supervised import Supervised, stop_all


class Broker:
    """A Tansu process on a fixed port that a test can kill, restart and freeze."""

    def __init__(self, log_dir):
        self.spec = infra_spec("kafka", free_port())
        self.proc = Supervised(self.spec, log_dir / "kafka.log", dict(os.environ), ROOT)
        self.url = self.spec.url

    def start(self) -> Broker:
        self.proc.start(append=True)
        self.proc.wait_ready(30)
        return self

    def kill(self) -> None:
        self.proc.signal(signal.SIGKILL)
        assert self.proc.wait_gone(time.monotonic() + 10)

    @contextmanager
    def frozen(self):
        self.proc.signal(signal.SIGSTOP)
        try:
            yield
        finally:
            self.proc.signal(signal.SIGCONT)

    def stop(self) -> None:
        self.proc.signal(signal.SIGCONT)
        stop_all([self.proc])
