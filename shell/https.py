"""HTTPS at the edge: behind a TLS-terminating proxy, plain HTTP is redirected, pages send HSTS, cookies are Secure."""

from __future__ import annotations

from flask import current_app, redirect, request

# Probes and scrapes reach the pod directly over plain HTTP; redirecting them would fail the pod.
UNREDIRECTED = frozenset({"/healthz", "/readyz", "/metrics"})
HSTS = "max-age=31536000; includeSubDomains"


def _enforced() -> bool:
    return current_app.extensions["settings"].enforce_https


def redirect_plain_http():
    """before_request, first: 308 keeps the method and body, so a form posted over HTTP is not turned into a GET."""
    if _enforced() and not request.is_secure and request.path not in UNREDIRECTED:
        return redirect(request.url.replace("http://", "https://", 1), code=308)
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
