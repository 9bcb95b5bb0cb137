"""Rate limits at the edge: per client IP, tighter for writes; one Redis round trip each, in memory while it fails."""
from __future__ import annotations

import functools
import ipaddress
import logging
import re
import threading
import time
from dataclasses import dataclass

from flask import current_app, g, request
from redis.exceptions import RedisError

from common.errors import RateLimited
from common.redis_store import RedisBreaker

log = logging.getLogger(__name__)
READ_METHODS = frozenset({"GET", "HEAD"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY = "gateway:limits:{kind}:{period}:{who}"
_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_SPEC = re.compile(r"(\d+)\s*(?:/|per)\s*(\d*)\s*(second|minute|hour|day)s?", re.IGNORECASE)


@dataclass(frozen=True)
class Limit:
    """`amount` requests per `period` seconds, from flask-limiter's notation ("6000/minute", "10 per 5 seconds")."""

    amount: int
    period: int

    @classmethod
    def parse(cls, text: str) -> Limit:
        m = _SPEC.fullmatch(text.strip())
        if not m:
            raise ValueError(f"bad rate limit: {text!r}")
        return cls(int(m[1]), int(m[2] or 1) * _PERIODS[m[3].lower()])

    def __str__(self) -> str:
        return f"{self.amount} per {self.period} second{'s' if self.period != 1 else ''}"


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


class EdgeLimiter:
    """Fixed windows that start at a client's first request, as flask-limiter's "fixed-window" did.

    One pipelined MULTI/EXEC a request creates the window with its expiry if absent, counts the request and reads
    the time left: one round trip instead of flask-limiter's three. After a Redis error the breaker skips Redis
    for a second and the windows are kept in memory (fail open, counted in /metrics)."""

    def __init__(self, redis, on_event=lambda event: None, breaker: RedisBreaker | None = None):
        self.redis, self.on_event = redis, on_event
        self.breaker = breaker or RedisBreaker()
        self.memory = MemoryWindows()
        self.in_memory = False

    def hit(self, kind: str, who: str, limit: Limit) -> tuple[int, float]:
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


def client_ip() -> str:
    """The caller's address: the fragment apps' X-Forwarded-For is believed, an API client's is not."""
    if "client_ip" not in g:
        remote = request.remote_addr or "unknown"
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[0].strip()
        g.client_ip = forwarded if forwarded and _trusted(remote) else remote
    return g.client_ip


def _trusted(remote: str) -> bool:
    networks = current_app.extensions["trusted_forwarders"]
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    return any(address in net for net in networks)


def install_limits(app, settings) -> None:
    """Limit the proxy view: reads and writes counted apart per client, X-RateLimit-* on every answer."""
    app.extensions["trusted_forwarders"] = [ipaddress.ip_network(n, strict=False) for n in settings.trusted_forwarders]
    counter = app.extensions["observability"].counter(
        "gateway_rate_limit_storage_events_total", "Rate-limit storage failures survived (limits kept in memory)",
        ["event"])
    limiter = EdgeLimiter(app.extensions["redis"], on_event=lambda event: counter.labels(event).inc())
    app.extensions["limiter"] = limiter
    rules = {**dict.fromkeys(READ_METHODS, ("r", Limit.parse(settings.rate_limit_reads))),
             **dict.fromkeys(WRITE_METHODS, ("w", Limit.parse(settings.rate_limit_writes)))}
    app.view_functions["gateway.proxy"] = _limited(app.view_functions["gateway.proxy"], limiter, rules, counter)
    app.after_request(_rate_limit_headers)


def _limited(view, limiter: EdgeLimiter, rules: dict, counter):
    @functools.wraps(view)
    def limited(*args, **kwargs):
        rule = rules.get(request.method)
        if rule is not None:
            kind, limit = rule
            try:
                count, reset_in = limiter.hit(kind, client_ip(), limit)
            except Exception:  # the limiter must never be why a request fails: fail open, and say so
                log.exception("rate limit check failed; request let through")
                counter.labels("swallowed").inc()
            else:
                g.rate_limit = (limit, count, reset_in)
                if count > limit.amount:
                    raise RateLimited("Too many requests, slow down", {"limit": str(limit)})
        return view(*args, **kwargs)
    return limited


def _rate_limit_headers(resp):
    state = g.get("rate_limit")
    if state is not None:
        limit, count, reset_in = state
        resp.headers["X-RateLimit-Limit"] = str(limit.amount)
        resp.headers["X-RateLimit-Remaining"] = str(max(limit.amount - count, 0))
        resp.headers["X-RateLimit-Reset"] = str(int(time.time() + reset_in))
        if resp.status_code == 429:
            resp.headers["Retry-After"] = str(max(1, round(reset_in)))
    return resp
