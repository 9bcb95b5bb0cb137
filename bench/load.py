"""A bounded closed-loop load generator: N threads, fixed duration, latency percentiles."""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass

import requests


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    def line(self) -> str:
        return (
            f"{self.name:<44} {self.throughput:8.1f} req/s  p50 {self.percentile(50):7.1f} ms  "
            f"p95 {self.percentile(95):7.1f} ms  p99 {self.percentile(99):7.1f} ms  "
            f"n={self.requests} errors={self.errors}"
        )


def run(
    name: str,
    url_for,
    concurrency: int = 8,
    duration: float = 5.0,
    headers: dict | None = None,
    session_factory=requests.Session,
) -> Result:
    """Hit url_for(i) from `concurrency` threads for `duration` seconds; only 2xx counts as success."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def worker(seed: int):
        session = session_factory()
        i = seed
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                ok = session.get(url_for(i), headers=headers, timeout=10).status_code < 300
            except requests.RequestException:
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1
            i += concurrency

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Result(name, len(latencies), errors[0], time.perf_counter() - started, latencies)


def ratio(a: Result, b: Result) -> float:
    return statistics.median(a.latencies_ms) / statistics.median(b.latencies_ms)
