"""The composer's own cost, measured from outside: a page's time to first byte minus its slowest fragment's.

Each sample requests the page from the shell, then each fragment it composes directly on the fragment app
(with the headers the shell would forward), one request at a time on kept-alive connections, so the
figure is the shell's own work (fan-out, layout, response) on an otherwise idle path, not queueing.
"""

from __future__ import annotations

import http.client
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

# What the shell's home page composes (shell/routes.py and HEADER_SLOTS in shell/responses.py).
HOME_FRAGMENTS = (("products", "/featured"), ("auth", "/badge"), ("cart", "/mini"))


@dataclass(frozen=True)
class Timing:
    ttfb_ms: float
    total_ms: float


class Timer:
    """One kept-alive connection that times its requests to the first byte and to the last."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)

    def get(self, path: str, headers: dict | None = None) -> Timing:
        started = time.perf_counter()
        self.conn.request("GET", path, headers=headers or {})
        self.conn.sock.recv(1, socket.MSG_PEEK)  # blocks until the first byte of the answer arrives
        first = time.perf_counter()
        resp = self.conn.getresponse()
        resp.read()
        if resp.status >= 400:
            raise RuntimeError(f"GET {path} answered {resp.status}")
        return Timing((first - started) * 1000, (time.perf_counter() - started) * 1000)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


@dataclass(frozen=True)
class Overhead:
    samples: int
    page_ttfb: list[float]
    slowest: list[float]
    overhead: list[float]  # page TTFB minus the slowest fragment's TTFB, per sample
    # The same by the last byte: once the shell flushes its head early, TTFB no longer waits for fragments.
    overhead_last_byte: list[float]

    def at(self, p: float) -> tuple[float, float, float]:
        """(page TTFB, slowest fragment TTFB, overhead) at percentile p, each taken over the samples."""
        return percentile(self.page_ttfb, p), percentile(self.slowest, p), percentile(self.overhead, p)

    def summary(self) -> str:
        (page50, slow50, over50), (page99, slow99, over99) = self.at(50), self.at(99)
        last50, last99 = percentile(self.overhead_last_byte, 50), percentile(self.overhead_last_byte, 99)
        return (
            f"composer overhead on / (page TTFB - slowest fragment TTFB, {self.samples} sequential samples): "
            f"p50 {over50:.1f} ms, p99 {over99:.1f} ms  (page TTFB p50 {page50:.1f} / p99 {page99:.1f} ms; "
            f"slowest fragment p50 {slow50:.1f} / p99 {slow99:.1f} ms); by the last byte: p50 {last50:.1f} ms, "
            f"p99 {last99:.1f} ms"
        )


def measure(shell: str, fragment_urls: dict, duration: float, min_samples: int = 100) -> Overhead:
    """Sample the home page and its fragments for `duration` seconds (and at least `min_samples` times)."""
    page = Timer(shell)
    fragments = [(Timer(fragment_urls[name]), path) for name, path in HOME_FRAGMENTS]
    forwarded = {"X-Forwarded-For": "127.0.0.1"}
    page.get("/")  # warm-up: connections and first-use costs stay out of the figures
    for timer, path in fragments:
        timer.get(path, forwarded)
    page_ttfb: list[float] = []
    slowest: list[float] = []
    overhead: list[float] = []
    overhead_last_byte: list[float] = []
    deadline = time.perf_counter() + duration
    while time.perf_counter() < deadline or len(overhead) < min_samples:
        whole = page.get("/")
        parts = [timer.get(path, forwarded) for timer, path in fragments]
        worst = max(t.ttfb_ms for t in parts)
        page_ttfb.append(whole.ttfb_ms)
        slowest.append(worst)
        overhead.append(whole.ttfb_ms - worst)
        overhead_last_byte.append(whole.total_ms - max(t.total_ms for t in parts))
    return Overhead(len(overhead), page_ttfb, slowest, overhead, overhead_last_byte)
