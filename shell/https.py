"""The edge's rules: behind a TLS-terminating proxy plain HTTP is redirected, pages send HSTS and cookies are Secure;
/metrics stays internal and a client's trace context is not continued."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import abort, redirect, request

from common.observability.registry import INTERNAL_PATHS
from common.platform import platform_of

HSTS = "max-age=31536000; includeSubDomains"


def metrics_are_internal():
    """before_request: /metrics answers only callers inside (a scrape reaches the pod directly); a request that came
    through the TLS proxy or ingress, which always adds X-Forwarded-For, is refused like any unknown path."""
    if request.path == "/metrics" and ("X-Forwarded-For" in request.headers or "Forwarded" in request.headers):
        abort(404)


def untraced_callers(wsgi_app):
    """WSGI middleware, outermost: a browser's traceparent, tracestate and baggage are dropped, so the shell starts
    each trace itself and a client can neither choose trace ids nor switch tracing on or off."""

    def app(environ, start_response):
        for key in ("HTTP_TRACEPARENT", "HTTP_TRACESTATE", "HTTP_BAGGAGE"):
            environ.pop(key, None)
        return wsgi_app(environ, start_response)

    return app


def _enforced() -> bool:
    return platform_of().settings.enforce_https


def redirect_plain_http():
    """before_request, first: 308 keeps the method and body, so a form posted over HTTP is not turned into a GET."""
    if (
        _enforced() and not request.is_secure and request.path not in INTERNAL_PATHS
    ):  # probes and scrapes reach the pod over plain HTTP
        # The configured public origin, never the request's Host header (the client's word).
        origin, asked = urlsplit(platform_of().settings.shop_url), urlsplit(request.url)
        return redirect(urlunsplit(("https", origin.netloc, asked.path, asked.query, "")), code=308)
    return None


def secure_response(resp):
    """after_request: HSTS over HTTPS, and Secure on every cookie, the fragment apps' included (they are
    reached over plain HTTP inside the cluster, so they cannot tell the browser's connection is TLS)."""
    if not request.is_secure:
        return resp
    if _enforced():
        resp.headers["Strict-Transport-Security"] = HSTS
    cookies = resp.headers.getlist("Set-Cookie")
    if any(not _is_secure_cookie(c) for c in cookies):
        resp.headers.setlist("Set-Cookie", [c if _is_secure_cookie(c) else f"{c}; Secure" for c in cookies])
    return resp


def _is_secure_cookie(header: str) -> bool:
    return any(part.strip().lower() == "secure" for part in header.split(";")[1:])
