"""Slow clients: 12 connections trickling headers, then 12 trickling a body, at the shell and the gateway; the
figure is how long a normal visitor's GET /healthz takes meanwhile (target < 100 ms)."""

from __future__ import annotations

import contextlib
import socket
import statistics
import threading
import time

import requests

TRICKLERS = 12
OPENINGS = {
    "headers": (b"GET /healthz HTTP/1.1\r\nHost: x\r\n", b"X-A: b\r\n"),
    "body": (b"POST /f/cart/add HTTP/1.1\r\nHost: x\r\nContent-Length: 50000\r\n\r\n", b"a"),
}


@contextlib.contextmanager
def trickling(host: str, port: int, opening: bytes, drip: bytes, count: int):
    stop = threading.Event()

    def run():
        with contextlib.suppress(OSError), socket.create_connection((host, port)) as s:
            s.sendall(opening)
            while not stop.wait(0.5):
                s.sendall(drip)

    threads = [threading.Thread(target=run, daemon=True) for _ in range(count)]
    for t in threads:
        t.start()
    time.sleep(2)
    try:
        yield
    finally:
        stop.set()


def visitor_ms(url: str, samples: int = 20) -> list[float]:
    took = []
    for _ in range(samples):
        started = time.perf_counter()
        try:
            requests.get(f"{url}/healthz", timeout=5)
            took.append((time.perf_counter() - started) * 1000)
        except requests.RequestException:
            took.append(float("inf"))
        time.sleep(0.1)
    return took


def main(urls: dict, connections: int, duration: float) -> None:
    count = connections or TRICKLERS
    print(f"{'process':<10} {'trickling':<9} {'visitor median ms':>18} {'max ms':>8}   ({count} slow connections)")
    for name in ("shell", "gateway"):
        host, port = urls[name].removeprefix("http://").split(":")
        for kind, (opening, drip) in OPENINGS.items():
            with trickling(host, int(port), opening, drip, count):
                took = visitor_ms(urls[name])
            print(f"{name:<10} {kind:<9} {statistics.median(took):18.1f} {max(took):8.1f}")
