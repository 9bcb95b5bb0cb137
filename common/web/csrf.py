"""Double-submit CSRF for every state-changing form and htmx request, signed in or not."""

from __future__ import annotations

import hmac
import secrets

from flask import g, request

from ..errors import Forbidden

CSRF_COOKIE = "fm_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token() -> str:
    """The browser's token: from its cookie, or the one the shell just minted for this request."""
    return g.get("csrf_minted") or request.cookies.get(CSRF_COOKIE, "")


def ensure_csrf_cookie() -> None:
    """Shell, before fan-out: mint a token for a browser that has none, so fragments can render it."""
    if not request.cookies.get(CSRF_COOKIE):
        g.csrf_minted = secrets.token_urlsafe(32)


def set_csrf_cookie(resp):
    if g.get("csrf_minted"):
        resp.set_cookie(
            CSRF_COOKIE, g.csrf_minted, httponly=True, samesite="Lax", secure=request.is_secure, max_age=30 * 24 * 3600
        )
    return resp


def verify_csrf() -> None:
    """Fragment apps, before any unsafe method: the submitted token must match the cookie."""
    if request.method in SAFE_METHODS:
        return
    expected = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD, "")
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise Forbidden("Your session expired. Reload the page and try again.", code="CSRF_FAILED")
