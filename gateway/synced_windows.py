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
        # Keyed by (kind, period, who, window): every gateway's total at the last sync (ours included), the hits
        # in the sync under way, and the hits here since.
        self._seen: dict[tuple, int] = {}
        self._sending: dict[tuple, int] = {}
        self._pending: dict[tuple, int] = {}
        self._next_prune = 0.0
        self._thread: threading.Thread | None = None
        self.in_memory = False

    def hit(self, kind: str, who: str, limit) -> tuple[float, float]:
        """Count one request; the client's sliding-window count with it and the seconds left in this window."""
        now, period = self._clock(), limit.period
        window, into = divmod(now, period)
        current, previous = (kind, period, who, int(window)), (kind, period, who, int(window) - 1)
        with self._lock:
            self._pending[current] = self._pending.get(current, 0) + 1
            count = self._count(current) + self._count(previous) * (1 - into / period)
        self._ensure_syncing()
        return count, period - into

    def _count(self, key: tuple) -> int:
        return self._seen.get(key, 0) + self._sending.get(key, 0) + self._pending.get(key, 0)

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
        """Send the hits counted since the last sync and learn every gateway's totals for those windows."""
        now = self._clock()
        with self._lock:
            if now >= self._next_prune:  # once a second: windows before the previous one no longer count
                self._seen = {k: n for k, n in self._seen.items() if k[3] >= int(now // k[1]) - 1}
                self._pending = {k: n for k, n in self._pending.items() if k[3] >= int(now // k[1]) - 1}
                self._next_prune = now + 1.0
            batch, self._sending, self._pending = self._pending, self._pending, {}
        if not batch:
            return
        try:
            pipe = self.redis.pipeline(transaction=False)
            for (kind, period, who, window), n in batch.items():
                key = KEY.format(kind=kind, period=period, who=who, window=window)
                pipe.incrby(key, n)
                pipe.expire(key, 2 * period)  # still read as the previous window, then gone
            totals = pipe.execute()[::2]
        except RedisError as e:
            with self._lock:  # keep the hits for the next sync; meanwhile they count here
                for k, n in batch.items():
                    self._pending[k] = self._pending.get(k, 0) + n
                self._sending = {}
            self._note(True, e)
            return
        with self._lock:
            self._seen.update(zip(batch, totals, strict=True))
            self._sending = {}
        self._note(False)

    def _note(self, failed: bool, error: Exception | None = None) -> None:
        if failed and not self.in_memory:
            log.warning("rate limits kept in memory until Redis answers", extra={"error": type(error).__name__})
            self.on_event("fallback")
        elif not failed and self.in_memory:
            log.warning("rate-limit storage recovered")
            self.on_event("recovered")
        self.in_memory = failed
