"""The browser session's cookies: their names, and the token cookies the auth fragment and the shell set one way."""

from __future__ import annotations

from flask import Response, request

ACCESS_COOKIE = "access_token_cookie"
REFRESH_COOKIE = "refresh_token_cookie"
CART_COOKIE = "fm_cart"
SESSION_COOKIES = (ACCESS_COOKIE, REFRESH_COOKIE)


def set_session_cookies(resp: Response, tokens: dict) -> Response:
    """httpOnly (no script can read them) and SameSite=Lax (no cross-site form post carries them)."""
    for name, value, max_age in (
        (ACCESS_COOKIE, tokens["access_token"], tokens.get("expires_in", 900)),
        (REFRESH_COOKIE, tokens["refresh_token"], tokens.get("refresh_expires_in")),
    ):
        resp.set_cookie(name, value, max_age=max_age, httponly=True, samesite="Lax", secure=request.is_secure, path="/")
    return resp


def clear_session_cookies(resp: Response) -> Response:
    for name in SESSION_COOKIES:
        resp.delete_cookie(name, path="/", httponly=True, samesite="Lax", secure=request.is_secure)
    return resp


def sets_session_cookie(resp: Response) -> bool:
    """True when the response already decides the session (a sign-in or sign-out answered it)."""
    return any(header.split("=", 1)[0].strip() in SESSION_COOKIES for header in resp.headers.getlist("Set-Cookie"))
