"""The HTML apps' calls to the public API through the gateway, as the browser's user."""

from __future__ import annotations

from flask import request

from common.auth.session import ACCESS_COOKIE, CART_COOKIE
from common.errors import AppError, RateLimited, Unavailable
from common.http.forwarded import client_address
from common.platform import WebPlatform, platform_of


def api(method: str, path: str, headers: dict | None = None, **kwargs):
    """Call the public API through the gateway as the browser's user (cookie token, guest cart)."""
    headers = dict(headers or {})
    token = request.cookies.get(ACCESS_COOKIE)
    if token:
        headers.setdefault("Authorization", f"Bearer {token}")
    cart_id = request.cookies.get(CART_COOKIE)
    if cart_id:
        headers.setdefault("X-Cart-Id", cart_id)
    headers["X-Forwarded-For"] = client_address()
    return platform_of(kind=WebPlatform).gateway.request(method, path, headers=headers, **kwargs)


class SignedOut(Exception):
    """The API answered 401: the browser's session is missing, expired or revoked."""


TOO_MANY = "Too many requests. Please wait a moment and try again."


def retry_after(resp) -> str:
    """The upstream's Retry-After in seconds (the gateway's limiter sends one), else a minute."""
    value = (resp.headers.get("Retry-After") or "").strip()
    return value if value.isdigit() and len(value) <= 6 else "60"


def upstream_failure(resp, unavailable: str, code: str) -> AppError:
    """An API answer that is not the shopper's mistake: a rate limit stays 429 (with Retry-After), the rest
    is an outage (503), never a 4xx that blames the shopper."""
    if resp.status_code == 429:
        return RateLimited(TOO_MANY, {"retry_after": retry_after(resp)})
    return Unavailable(unavailable, code=code)


def api_or_outage(method: str, path: str, unavailable: str, code: str, **kwargs):
    """api(), with a transport failure (unreachable, timed out, breaker open) raised as a 503 Unavailable."""
    try:
        return api(method, path, **kwargs)
    except AppError as e:
        if e.status < 500:
            raise
        raise Unavailable(unavailable, {"upstream_error": e.code}, code=code) from e


def api_or_raise(method: str, path: str, unavailable: str, code: str, **kwargs):
    """api(), with a 401 raised as SignedOut and an outage as 503 (a rate limit as 429) the page can show."""
    resp = api_or_outage(method, path, unavailable, code, **kwargs)
    if resp.status_code == 401:
        raise SignedOut()
    if resp.status_code >= 500 or resp.status_code == 429:
        raise upstream_failure(resp, unavailable, code)
    return resp
