"""Proxy routes and the aggregate /health."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

from flask import Blueprint, Response, g, jsonify, request

from common.auth.identity import verified_identity
from common.errors import NotFound
from common.ids import IMAGE_UPLOAD_API

from .deps import deps
from .limits import client_ip
from .routing import (
    DROPPED_RESPONSE_HEADERS,
    FORWARDED_REQUEST_HEADERS,
    IMAGE_UPLOAD_MAX_BYTES,
    UPSTREAM_OF,
)

bp = Blueprint("gateway", __name__)
_health_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="health")


# OPTIONS is forwarded too: the service says which methods its path allows (Flask's own answer would list the
# proxy's methods, every one of them, whatever the path).
PROXIED = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
# Auth paths a stale or revoked token must not block: signing in again, and a forgotten password's link (a browser
# still holding the access cookie of a session the reset just ended must reach the reset).
PUBLIC_AUTH = frozenset(
    (
        "login",
        "login/2fa",
        "register",
        "refresh",
        "logout",
        "jwks",
        "password/forgot",
        "password/reset",
        "password/reset/check",
        "email/verify",
        "email/change/confirm",
        "email/change/undo",
    )
)


@bp.route("/api/<prefix>", defaults={"rest": ""}, methods=PROXIED, provide_automatic_options=False)
@bp.route("/api/<prefix>/<path:rest>", methods=PROXIED, provide_automatic_options=False)
def proxy(prefix: str, rest: str):
    """Forward to the owning service; a bad token is refused here, before any upstream work."""
    upstream = UPSTREAM_OF.get(prefix)
    if upstream is None:
        raise NotFound(f"No API at /api/{prefix}")
    if not (prefix == "auth" and rest in PUBLIC_AUTH):
        verified_identity()  # flask-jwt-extended: signature, kid, expiry, revocation (none sent: a guest)
    if request.method == "PUT" and IMAGE_UPLOAD_API.fullmatch(f"{prefix}/{rest}"):
        request.max_content_length = IMAGE_UPLOAD_MAX_BYTES
    headers = {h: request.headers[h] for h in FORWARDED_REQUEST_HEADERS if h in request.headers}
    headers["X-Request-ID"] = g.request_id
    headers["X-Forwarded-For"] = client_ip()  # services see the client, never a spoofed header
    client = deps().upstreams[upstream]
    upstream_resp = client.forward(request.method, _target(request), body=request.get_data(), headers=headers)
    return Response(
        upstream_resp.data,
        status=upstream_resp.status,
        headers=[(k, v) for k, v in upstream_resp.headers.items() if k.lower() not in DROPPED_RESPONSE_HEADERS],
    )


def _target(req) -> str:
    """The decoded path re-encoded (never the client's raw target, which may name another host) and the query
    string passed on as it came."""
    path = quote(req.path, safe="/!$&'()*+,;=:@~")
    return f"{path}?{req.query_string.decode('latin-1')}" if req.query_string else path


@bp.get("/health")
def health():
    """Every upstream's /readyz, checked in parallel."""
    clients = deps().upstreams

    def check(client):
        try:
            r = client.get("/readyz", timeout=1.5)
            return "ok" if r.status_code == 200 else "unavailable"
        except Exception as e:
            return f"down: {getattr(e, 'code', type(e).__name__)}"

    results = dict(zip(clients, _health_pool.map(check, clients.values()), strict=False))
    ok = all(v == "ok" for v in results.values())
    return jsonify(status="ok" if ok else "degraded", upstreams=results), 200 if ok else 503
