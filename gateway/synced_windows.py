"""Read limits counted in this process and summed across gateways in Redis by one background sync.

A read never waits on Redis: under load each Redis round trip on the request path cost a GIL hand-off and a
scheduling wait, about as much as the upstream call itself (py-spy, docs in README). Kong's `sync_rate` and
Envoy's local-plus-global limits make the same trade: another gateway's hits are seen one sync later, so all of
them together may overshoot by what they serve in one `interval`; one gateway alone is exact, Redis or not.
Sliding windows (the previous window's count weighted by how much of it still overlaps) keep a client from
doubling its burst at a window edge."""
from __future__ import annotations

import logging
import threading
import time

from redis.exceptions import RedisError

log = logging.getLogger(__name__)
KEY = "gateway:limits:{kind}:{period}:{who}:{window}"


class SyncedWindows:
    def __init__(self, redis, interval: float = 0.1, on_event=lambda event: None, clock=time.time):
        self.redis, self.interval, self.on_event, self._clock = redis, interval, on_event, clock
        self._lock = threading.Lock()
        # (kind, period, who, window) -> [total in Redis at the last sync, hits here not yet sent]
        self._windows: dict[tuple, list[int]] = {}
        self._thread: threading.Thread | None = None
        self.in_memory = False

    def hit(self, kind: str, who: str, limit) -> tuple[float, float]:
        """Count one request; the client's sliding-window count with it and the seconds left in this window."""
        now, period = self._clock(), limit.period
        window, into = divmod(now, period)
        window = int(window)
        with self._lock:
            current = self._windows.setdefault((kind, period, who, window), [0, 0])
            current[1] += 1
            previous = self._windows.get((kind, period, who, window - 1))
            count = sum(current) + (sum(previous) * (1 - into / period) if previous else 0)
        self._ensure_syncing()
        return count, period - into

    def _ensure_syncing(self) -> None:
        if self._thread is None or not self._thread.is_alive():  # a forked worker starts its own
            with self._lock:
                if self._thread is None or not self._thread.is_alive():
                    self._thread = threading.Thread(target=self._run, name="rate-limit-sync", daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        while True:
            time.sleep(self.interval)
            try:
                self.sync()
            except Exception:  # the sync must outlive any surprise; the limits keep counting here meanwhile
                log.exception("rate-limit sync failed")
                self.on_event("swallowed")

    def sync(self) -> None:
        """Send the hits counted since the last sync, learn every gateway's totals, forget finished windows."""
        now = self._clock()
        with self._lock:
            self._windows = {k: w for k, w in self._windows.items() if k[3] >= int(now // k[1]) - 1}
            sent = [(k, w[1]) for k, w in self._windows.items() if w[1]]
            for k, _ in sent:
                self._windows[k][1] = 0
        if not sent:
            return
        try:
            pipe = self.redis.pipeline(transaction=False)
            for (kind, period, who, window), n in sent:
                key = KEY.format(kind=kind, period=period, who=who, window=window)
                pipe.incrby(key, n)
                pipe.expire(key, 2 * period)  # still read as the previous window, then gone
            totals = pipe.execute()[::2]
        except RedisError as e:
            with self._lock:  # keep the hits for the next sync; meanwhile they count here
                for k, n in sent:
                    self._windows.setdefault(k, [0, 0])[1] += n
            self._note(True, e)
            return
        with self._lock:
            for (k, _), total in zip(sent, totals, strict=True):
                self._windows.setdefault(k, [0, 0])[0] = total
        self._note(False)

    def _note(self, failed: bool, error: Exception | None = None) -> None:
        if failed and not self.in_memory:
            log.warning("rate limits kept in memory until Redis answers", extra={"error": type(error).__name__})
            self.on_event("fallback")
        elif not failed and self.in_memory:
            log.warning("rate-limit storage recovered")
            self.on_event("recovered")
        self.in_memory = failed
