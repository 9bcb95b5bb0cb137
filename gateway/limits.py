"""Rate limits at the edge, per client IP: reads counted here and synced to Redis, writes checked in Redis each."""
from __future__ import annotations

import functools
import ipaddress
import logging
import math
import re
import time
from dataclasses import dataclass

from flask import current_app, g, request

from common.errors import RateLimited

from .exact_windows import ExactWindows
from .synced_windows import SyncedWindows

log = logging.getLogger(__name__)
READ_METHODS = frozenset({"GET", "HEAD"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
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
    redis, on_event = app.extensions["redis"], lambda event: counter.labels(event).inc()
    # Reads are most of the traffic and never wait on Redis; writes are few, costly and checked exactly.
    reads = SyncedWindows(redis, interval=settings.rate_limit_sync_seconds, on_event=on_event)
    writes = ExactWindows(redis, on_event=on_event)
    app.extensions["limiters"] = {"reads": reads, "writes": writes}
    rules = {**dict.fromkeys(READ_METHODS, ("r", Limit.parse(settings.rate_limit_reads), reads)),
             **dict.fromkeys(WRITE_METHODS, ("w", Limit.parse(settings.rate_limit_writes), writes))}
    app.view_functions["gateway.proxy"] = _limited(app.view_functions["gateway.proxy"], rules, counter)
    app.after_request(_rate_limit_headers)


def _limited(view, rules: dict, counter):
    @functools.wraps(view)
    def limited(*args, **kwargs):
        rule = rules.get(request.method)
        if rule is not None:
            kind, limit, limiter = rule
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
        resp.headers["X-RateLimit-Remaining"] = str(max(limit.amount - math.ceil(count), 0))
        resp.headers["X-RateLimit-Reset"] = str(int(time.time() + reset_in))
        if resp.status_code == 429:
            resp.headers["Retry-After"] = str(max(1, round(reset_in)))
    return resp
