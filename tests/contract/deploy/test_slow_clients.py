"""Slow clients against the real edge processes under gunicorn as `make run` starts them: twelve connections
trickling headers or a body never keep a normal visitor waiting, and a client too slow is cut off.
(How fast the visitor is answered is a figure of `bench/slow_clients.py`, not asserted here.)"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import threading
import time

import pytest
import requests

from devstack.probes import free_port, tcp_open
from devstack.processes import app_argv
from tests.support.polling import wait_until

TRICKLERS = 12
HEADERS = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
BODY = b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50000\r\n\r\n"


@contextlib.contextmanager
def edge(module: str, tmp_path):
    port = free_port()
    env = {**os.environ, "FRAGMART_PORT_OFFSET": os.environ.get("TEST_PORT_OFFSET", "0"), "KEYS_DIR": str(tmp_path)}
    proc = subprocess.Popen(app_argv(module, port), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: tcp_open(port), timeout=60, message=f"{module} listening")
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


@contextlib.contextmanager
def trickling(port: int, opening: bytes, drip: bytes):
    """TRICKLERS connections sending `opening`, then `drip` every 0.2 s until the block ends."""
    stop, sockets = threading.Event(), []

    def run():
        with contextlib.suppress(OSError):
            s = socket.create_connection(("127.0.0.1", port))
            sockets.append(s)
            s.sendall(opening)
            while not stop.wait(0.2):
                s.sendall(drip)

    threads = [threading.Thread(target=run, daemon=True) for _ in range(TRICKLERS)]
    for t in threads:
        t.start()
    wait_until(lambda: len(sockets) == TRICKLERS, timeout=10, message="every slow client connected")
    time.sleep(0.5)  # let them all start trickling
    try:
        yield
    finally:
        stop.set()
        for s in sockets:
            s.close()


@pytest.mark.parametrize("module", ["shell", "gateway"])
@pytest.mark.parametrize("opening, drip", [(HEADERS, b"X-A: b\r\n"), (BODY, b"a")], ids=["headers", "body"])
def test_twelve_trickling_clients_never_hold_a_normal_visitor(tmp_path, module, opening, drip):
    with edge(module, tmp_path) as port, trickling(port, opening, drip):
        for _ in range(3):
            assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200


def test_a_client_trickling_headers_past_the_deadline_is_cut_off(tmp_path):
    with edge("gateway", tmp_path) as port:
        s = socket.create_connection(("127.0.0.1", port))
        s.settimeout(30)
        s.sendall(HEADERS)
        started, closed = time.monotonic(), False
        with contextlib.suppress(OSError):
            while time.monotonic() - started < 25:
                s.sendall(b"X-A: b\r\n")
                time.sleep(0.5)
        closed = time.monotonic() - started < 25
        s.close()
        assert closed, "a client still sending headers after 25 s was never cut off"
