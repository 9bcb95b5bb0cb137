"""Rate limits at the edge, per client IP, by flask-limiter: writes exact in Redis, reads in this process's memory."""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Callable
from typing import Any

from flask import g, jsonify, request
from flask_limiter import Limiter, RateLimitExceeded

from common.deps import current_deps_if
from common.errors import error_body
from common.platform import platform_of
from common.redis_store import HOT_TIMEOUT

from .deps import Deps, Limits, deps

log = logging.getLogger(__name__)
READ_METHODS = ("GET", "HEAD", "OPTIONS")  # OPTIONS is forwarded: it costs the service a request
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Passed on to redis-py, which takes float seconds (flask-limiter's annotation says str | int).
LIMIT_STORAGE_OPTIONS: dict[str, Any] = {"socket_timeout": HOT_TIMEOUT, "socket_connect_timeout": HOT_TIMEOUT}
# flask-limiter reports its storage trouble only through these log lines, so they are what we count.
STORAGE_EVENTS = {
    "falling back to in-memory": "fallback",
    "Swallowing error": "swallowed",
    "storage recovered": "recovered",
}


def _other_than(methods: tuple[str, ...]) -> Callable[[], bool]:
    """A limiter's exemption: everything but the proxy's requests with these methods."""
    return lambda: request.endpoint != "gateway.proxy" or request.method not in methods


def client_ip() -> str:
    """The caller's address: the fragment apps' X-Forwarded-For is believed, an API client's is not."""
    if "client_ip" not in g:
        remote = request.remote_addr or "unknown"
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[0].strip()
        g.client_ip = forwarded if forwarded and _trusted(remote) else remote
    return g.client_ip


def _trusted(remote: str) -> bool:
    networks = deps().limits.trusted_forwarders
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    return any(address in net for net in networks)


def install_limits(app, settings) -> Limits:
    """Limit the proxy view: reads and writes counted apart per client, X-RateLimit-* on every limited answer."""
    storage_events = platform_of(app).observability.counter(
        "gateway_rate_limit_storage_events_total",
        "Rate-limit storage failures survived (limits kept in memory)",
        ["event"],
    )
    # Writes are few and costly: exact across gateway replicas in Redis. Fail open: with Redis down or hung they
    # are counted in this process's memory, and any other storage error lets the request through.
    writes = Limiter(
        client_ip,
        default_limits=[settings.rate_limit_writes],
        storage_uri=settings.redis_url,
        storage_options=LIMIT_STORAGE_OPTIONS,
        strategy="fixed-window",
        key_prefix="gateway:limits:w",
        in_memory_fallback_enabled=True,
        swallow_errors=True,
    )
    # Reads are most of the traffic; a Redis round trip on each was half the hop's wall time (README, "The
    # gateway hop"). They are counted per gateway process: a coarse abuse guard, N replicas allow N times the limit.
    reads = Limiter(
        client_ip,
        default_limits=[settings.rate_limit_reads],
        storage_uri="memory://",
        strategy="sliding-window-counter",
        key_prefix="gateway:limits:r",
        swallow_errors=True,
    )
    app.after_request(_rate_limit_headers)
    for limiter, methods in ((writes, WRITE_METHODS), (reads, READ_METHODS)):
        limiter.init_app(app)
        # Default limits on the proxy only, each limiter on its own methods: checked once, before the view (a
        # decorated view is checked twice), and a read never consults the Redis limiter, not even in an outage.
        limiter.request_filter(_other_than(methods))
    refusals = platform_of(app).observability.counter(
        "rate_limit_refusals_total", "Requests refused by a rate limit", ["limiter", "route"]
    )
    app.register_error_handler(RateLimitExceeded, _too_many)
    _count_storage_events()
    return Limits(
        trusted_forwarders=[ipaddress.ip_network(n, strict=False) for n in settings.trusted_forwarders],
        limiters={"reads": reads, "writes": writes},
        refusals=refusals,
        storage_events=storage_events,
    )


def _too_many(e: RateLimitExceeded):
    kind = "gateway-read" if request.method in READ_METHODS else "gateway-write"
    deps().limits.refusals.labels(kind, "proxy").inc()
    return jsonify(error_body("RATE_LIMITED", "Too many requests, slow down", {"limit": str(e.limit.limit)})), 429


def _rate_limit_headers(resp):
    """The limit this request was counted against; Retry-After only on a refusal (an upstream's own stays)."""
    for limiter in deps().limits.limiters.values():
        current = limiter.current_limit
        if current is None:
            continue
        try:
            remaining, reset_at = current.remaining, current.reset_at
        except Exception:  # the headers must never be why a request fails: flask-limiter swallows these too
            log.exception("rate-limit headers skipped")
            deps().limits.storage_events.labels("swallowed").inc()
            continue
        resp.headers["X-RateLimit-Limit"] = str(current.limit.amount)
        resp.headers["X-RateLimit-Remaining"] = str(remaining)
        resp.headers["X-RateLimit-Reset"] = str(reset_at)
        if current.breached:
            resp.headers["Retry-After"] = str(max(1, int(reset_at - time.time())))
    return resp


def _count(record: logging.LogRecord) -> bool:
    # flask-limiter's logger is shared by every app in the process; each app counts its own requests.
    if (gateway := current_deps_if(Deps)) is not None:
        message = record.getMessage()
        for needle, event in STORAGE_EVENTS.items():
            if needle in message:
                gateway.limits.storage_events.labels(event).inc()
    return True


def _count_storage_events() -> None:
    logger = logging.getLogger("flask-limiter")
    if _count not in logger.filters:  # one filter for the process, however many apps are created
        logger.addFilter(_count)
