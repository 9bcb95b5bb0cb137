"""Bootstrap for HTML apps (the shell and the fragment apps): templates, filters, HTML errors."""
from __future__ import annotations

import hashlib
import logging
from functools import lru_cache

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from .app import ROOT, create_base_app
from .csrf import csrf_token, verify_csrf
from .errors import AppError
from .htmx import vary_on_htmx
from .http import HttpClient

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


def create_html_app(name: str, import_name: str, config: dict | None = None) -> Flask:
    app = create_base_app(name, import_name, config)
    settings = app.extensions["settings"]
    app.jinja_env.filters["money"] = money
    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.extensions["gateway"] = HttpClient("gateway", settings.gateway_url, timeout=settings.http_timeout)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.after_request(vary_on_htmx)
    if not settings.extra.get("CSRF_EXEMPT"):
        app.before_request(verify_csrf)

    @app.errorhandler(AppError)
    def _app_error(e: AppError):
        return render_template("errors/_error.html", status=e.status, message=e.message), e.status

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


def api_or_raise(method: str, path: str, unavailable: str, code: str, **kwargs):
    """api(), with a 401 raised as SignedOut and an outage (5xx, 429) as an AppError the page can show."""
    resp = api(method, path, **kwargs)
    if resp.status_code == 401:
        raise SignedOut()
    if resp.status_code >= 500 or resp.status_code == 429:
        raise AppError(unavailable, code=code)
    return resp
