"""Silent refresh: when the access cookie is missing or expired, the shell trades the refresh cookie once,
before it fans out, so parallel fragment requests never race each other on a rotating refresh token. Parallel
browser requests of one session (a page, the mini-cart, an htmx add) do race: the auth service answers each with
the same pair."""

from __future__ import annotations

import functools
import logging
import time

import jwt
from flask import g, request

from common.auth.session import (
    ACCESS_COOKIE,
    REFRESH_COOKIE,
    SESSION_COOKIES,
    clear_session_cookies,
    set_session_cookies,
    sets_session_cookie,
)
from common.errors import AppError
from common.observability.registry import INTERNAL_PATHS
from common.platform import WebPlatform, platform_of

from .budget import remaining_budget

log = logging.getLogger(__name__)
# A token this close to expiry is renewed now rather than expiring halfway through composing the page.
MARGIN_SECONDS = 15
SKIPPED = ("/static/", *INTERNAL_PATHS)


@functools.lru_cache(maxsize=4096)
def _expiry(access_token: str) -> float | None:
    """The token's `exp`, read once per token (a session sends the same one on every page until it is renewed)."""
    try:
        exp = jwt.decode(access_token, options={"verify_signature": False}).get("exp")
    except jwt.PyJWTError:
        return None
    return exp if isinstance(exp, int | float) and not isinstance(exp, bool) else None


def needs_refresh(access_token: str | None, now: float | None = None) -> bool:
    """Only a decision about when to refresh, so the signature is not checked here; the gateway checks it."""
    exp = _expiry(access_token) if access_token else None
    return exp is None or exp - MARGIN_SECONDS <= (now or time.time())


def refresh_session() -> None:
    """before_request: renew the tokens through the gateway if the access token is missing or expiring."""
    refresh = request.cookies.get(REFRESH_COOKIE)
    if request.path.startswith(SKIPPED) or not refresh or not needs_refresh(request.cookies.get(ACCESS_COOKIE)):
        return
    # The refresh is part of the page: it gets half the page's budget, not the full HTTP timeout, so a slow
    # gateway costs at most that, and the fan-out still has the other half.
    timeout = max(min(platform_of().settings.http_timeout, remaining_budget() / 2), 0.05)
    try:
        resp = platform_of(kind=WebPlatform).gateway.post(
            "/api/auth/refresh",
            json={"refresh_token": refresh},
            headers={"X-Forwarded-For": request.remote_addr or ""},
            timeout=timeout,
        )
    except AppError as e:
        log.warning("silent refresh unavailable", extra={"error": e.code})
        return
    if resp.status_code == 200:
        g.session_tokens = resp.json()
        return
    code = resp.json().get("error") if resp.headers.get("Content-Type", "").startswith("application/json") else None
    if resp.status_code in (400, 401, 422):
        # Parallel requests presenting one refresh token all get the same new pair (services/auth/tokens.py), so a
        # refusal here really ends the session.
        g.session_cleared = g.session_dropped = True
    log.info("silent refresh refused", extra={"status": resp.status_code, "code": code})


def with_session_cookies(headers: dict) -> dict:
    """The Cookie header forwarded to fragments: the fresh tokens instead of the stale ones (or none)."""
    tokens = g.get("session_tokens")
    if not tokens and not g.get("session_dropped"):
        return headers
    parts = [p.strip() for p in headers.get("Cookie", "").split(";") if p.strip()]
    kept = [p for p in parts if p.split("=", 1)[0].strip() not in SESSION_COOKIES]
    if tokens:
        kept += [f"{ACCESS_COOKIE}={tokens['access_token']}", f"{REFRESH_COOKIE}={tokens['refresh_token']}"]
    headers = {k: v for k, v in headers.items() if k != "Cookie"}
    if kept:
        headers["Cookie"] = "; ".join(kept)
    return headers


def store_session(resp):
    """after_request: hand the browser the renewed cookies, unless a sign-in or sign-out already did."""
    if sets_session_cookie(resp):
        return resp
    if g.get("session_tokens"):
        set_session_cookies(resp, g.session_tokens)
    elif g.get("session_cleared"):
        clear_session_cookies(resp)
    return resp
