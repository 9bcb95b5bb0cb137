"""Write limits: exact fixed windows in Redis, one round trip a request, kept in memory while Redis fails."""
from __future__ import annotations

import logging
import threading
import time

from redis.exceptions import RedisError

from common.redis_store import RedisBreaker

log = logging.getLogger(__name__)
KEY = "gateway:limits:{kind}:{period}:{who}"


class MemoryWindows:
    """The same fixed windows in this process's memory, while Redis cannot be used."""

    def __init__(self, clock=time.monotonic):
        self._clock, self._lock, self._windows, self._next_sweep = clock, threading.Lock(), {}, 0.0

    def hit(self, key: str, period: int) -> tuple[int, float]:
        now = self._clock()
        with self._lock:
            if now >= self._next_sweep:  # forget finished windows now and then, not on every hit
                self._windows = {k: w for k, w in self._windows.items() if w[1] > now}
                self._next_sweep = now + 10.0
            window = self._windows.get(key)
            if window is None or window[1] <= now:
                window = self._windows[key] = [0, now + period]
            window[0] += 1
            return window[0], window[1] - now


class ExactWindows:
    """Writes: fixed windows that start at a client's first request, as flask-limiter's "fixed-window" did.

    One pipelined MULTI/EXEC a request creates the window with its expiry if absent, counts the request and reads
    the time left: one round trip instead of flask-limiter's three. After a Redis error the breaker skips Redis
    for a second and the windows are kept in memory (fail open, counted in /metrics)."""

    def __init__(self, redis, on_event=lambda event: None, breaker: RedisBreaker | None = None):
        self.redis, self.on_event = redis, on_event
        self.breaker = breaker or RedisBreaker()
        self.memory = MemoryWindows()
        self.in_memory = False

    def hit(self, kind: str, who: str, limit) -> tuple[int, float]:
        """Count one request; its window's count so far and the seconds until the window resets."""
        key = KEY.format(kind=kind, period=limit.period, who=who)
        try:
            count, ttl_ms = self.breaker.call(self._hit_redis, key, limit.period)
        except RedisError as e:
            if not self.in_memory:
                self.in_memory = True
                log.warning("rate limits falling back to in-memory windows", extra={"error": type(e).__name__})
                self.on_event("fallback")
            return self.memory.hit(key, limit.period)
        if self.in_memory:
            self.in_memory = False
            log.warning("rate-limit storage recovered")
            self.on_event("recovered")
        return count, max(ttl_ms, 0) / 1000

    def _hit_redis(self, key: str, period: int) -> tuple[int, int]:
        pipe = self.redis.pipeline(transaction=True)  # atomic: the window cannot expire between SET and INCR
        pipe.set(key, 0, ex=period, nx=True)
        pipe.incr(key)
        pipe.pttl(key)
        _, count, ttl_ms = pipe.execute()
        return count, ttl_ms
