"""Rate limits at the edge: per client IP, tighter for writes; flask-limiter on Redis."""
from __future__ import annotations

from flask import jsonify, request

from common.errors import error_body

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def client_ip() -> str:
    # The shell and fragment apps forward the browser's address; the first hop is the client.
    forwarded = request.headers.get("X-Forwarded-For", "")
    return forwarded.split(",")[0].strip() or request.remote_addr or "unknown"


def install_limits(app, limiter, settings) -> None:
    reads, writes = settings.rate_limit_reads, settings.rate_limit_writes
    proxy = app.view_functions["gateway.proxy"]
    limited = limiter.limit(writes, methods=sorted(WRITE_METHODS), key_func=lambda: f"w:{client_ip()}")(proxy)
    limited = limiter.limit(reads, methods=["GET", "HEAD"], key_func=lambda: f"r:{client_ip()}")(limited)
    app.view_functions["gateway.proxy"] = limited

    @app.errorhandler(429)
    def _too_many(e):
        resp = jsonify(error_body("RATE_LIMITED", "Too many requests, slow down",
                                  {"limit": str(getattr(e, "description", ""))}))
        return resp, 429
