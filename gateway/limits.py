"""Rate limits at the edge: per client IP, tighter for writes; flask-limiter on Redis, failing open."""
from __future__ import annotations

import ipaddress
import logging

from flask import current_app, g, has_app_context, jsonify, request

from common.errors import error_body
from common.redis_store import HOT_TIMEOUT

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LIMIT_STORAGE_OPTIONS = {"socket_timeout": HOT_TIMEOUT, "socket_connect_timeout": HOT_TIMEOUT}
# flask-limiter reports its storage trouble only through these log lines, so they are what we count.
STORAGE_EVENTS = {"falling back to in-memory": "fallback", "Swallowing error": "swallowed",
                  "storage recovered": "recovered"}


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


def install_limits(app, limiter, settings) -> None:
    reads, writes = settings.rate_limit_reads, settings.rate_limit_writes
    app.extensions["trusted_forwarders"] = [ipaddress.ip_network(n, strict=False) for n in settings.trusted_forwarders]
    proxy = app.view_functions["gateway.proxy"]
    limited = limiter.limit(writes, methods=sorted(WRITE_METHODS), key_func=lambda: f"w:{client_ip()}")(proxy)
    limited = limiter.limit(reads, methods=["GET", "HEAD"], key_func=lambda: f"r:{client_ip()}")(limited)
    app.view_functions["gateway.proxy"] = limited
    _count_storage_events(app)

    @app.errorhandler(429)
    def _too_many(e):
        resp = jsonify(error_body("RATE_LIMITED", "Too many requests, slow down",
                                  {"limit": str(getattr(e, "description", ""))}))
        return resp, 429


def _count_storage_events(app) -> None:
    counter = app.extensions["observability"].counter(
        "gateway_rate_limit_storage_events_total", "Rate-limit storage failures survived (limits kept in memory)",
        ["event"])

    def count(record: logging.LogRecord) -> bool:
        # The limiter's logger is shared by every app in the process; count only this app's requests.
        if has_app_context() and current_app._get_current_object() is app:
            message = record.getMessage()
            for needle, event in STORAGE_EVENTS.items():
                if needle in message:
                    counter.labels(event).inc()
        return True

    logging.getLogger("flask-limiter").addFilter(count)
