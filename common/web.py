"""Bootstrap for HTML apps (the shell and the fragment apps): templates, filters, HTML errors."""

from __future__ import annotations

import hashlib
import logging
from functools import lru_cache

from flask import Flask, g, make_response, render_template
from werkzeug.exceptions import HTTPException

from . import address
from .app import ROOT, create_base_app
from .balancer import upstream_client
from .cacheable import CSRF_PLACEHOLDER, default_personal
from .csrf import csrf_token, verify_csrf
from .errors import AppError, RateLimited, Unavailable
from .htmx import vary_on_htmx
from .live import live_static_url

log = logging.getLogger(__name__)
STATIC = ROOT / "static"


def money(amount, currency: str = "USD") -> str:
    """Minor units to display text: 1999 USD -> $19.99."""
    try:
        amount = int(amount)
    except (TypeError, ValueError):
        return ""
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency, "")
    text = f"{abs(amount) // 100:,}.{abs(amount) % 100:02d}"
    return f"{'-' if amount < 0 else ''}{symbol}{text}" + ("" if symbol else f" {currency}")


@lru_cache(maxsize=256)
def _digest(path: str) -> str:
    try:
        return hashlib.sha256((STATIC / path).read_bytes()).hexdigest()[:10]
    except OSError:
        return "0"


def static_url(path: str) -> str:
    """A content-hashed URL, so /static can be cached for a year."""
    return f"/static/{path}?v={_digest(path)}"


def template_csrf_token() -> str:
    """The browser's token, or in a shared answer the placeholder the shell swaps for each browser's own."""
    return CSRF_PLACEHOLDER if g.get("shared_response") else csrf_token()


def create_html_app(name: str, import_name: str, config: dict | None = None) -> Flask:
    app = create_base_app(name, import_name, config)
    settings = app.extensions["settings"]
    app.jinja_env.filters["money"] = money
    app.jinja_env.globals["static_url"] = live_static_url(STATIC) if settings.live_templates else static_url
    app.jinja_env.globals["address_fields"] = address.FIELDS  # the forms ask for what the APIs accept
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.extensions["gateway"] = upstream_client("gateway", settings.gateway_url, timeout=settings.http_timeout)
    app.jinja_env.globals["csrf_token"] = template_csrf_token
    app.after_request(vary_on_htmx)
    app.after_request(default_personal)
    if not settings.extra.get("CSRF_EXEMPT"):
        app.before_request(verify_csrf)

    @app.errorhandler(AppError)
    def _app_error(e: AppError):
        resp = make_response(render_template("errors/_error.html", status=e.status, message=e.message), e.status)
        if e.details.get("retry_after"):
            resp.headers["Retry-After"] = e.details["retry_after"]
        return resp

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException):
        return render_template("errors/_error.html", status=e.code, message=e.description), e.code or 500

    @app.errorhandler(Exception)
    def _unexpected(e: Exception):
        log.exception("unhandled error")
        return render_template("errors/_error.html", status=500, message="Something went wrong"), 500

    return app


ACCESS_COOKIE = "access_token_cookie"
REFRESH_COOKIE = "refresh_token_cookie"
CART_COOKIE = "fm_cart"


def client_address() -> str:
    """The browser's address as the shell (the edge) reported it; fragment apps are never exposed."""
    from flask import request

    return request.headers.get("X-Forwarded-For", "").split(",")[0].strip() or request.remote_addr or ""


def api(method: str, path: str, headers: dict | None = None, **kwargs):
    """Call the public API through the gateway as the browser's user (cookie token, guest cart)."""
    from flask import current_app, request

    headers = dict(headers or {})
    token = request.cookies.get(ACCESS_COOKIE)
    if token:
        headers.setdefault("Authorization", f"Bearer {token}")
    cart_id = request.cookies.get(CART_COOKIE)
    if cart_id:
        headers.setdefault("X-Cart-Id", cart_id)
    headers["X-Forwarded-For"] = client_address()
    return current_app.extensions["gateway"].request(method, path, headers=headers, **kwargs)


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
