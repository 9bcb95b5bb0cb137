"""The bench finds a stack's processes by the ports they listen on and reads their CPU from /proc."""

from __future__ import annotations

import os
import socket
import time

from bench.procs import CpuMeter, listening_pids, ours


def test_a_process_is_found_by_the_port_it_listens_on_and_its_cpu_is_counted():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        found = listening_pids({"me": port, "nobody": 1})
        assert found == {"me": {os.getpid()}}
        meter = CpuMeter(found).start()
        deadline = time.process_time() + 0.2
        while time.process_time() < deadline:  # burn 0.2 s of CPU
            pass
        used = meter.stop()
    assert 0.1 <= used["me"] <= 1.0
    assert ours({**used, "kafka": 5.0, "redis": 5.0}) == used["me"]  # the broker and redis are not ours
