"""Bootstrap for HTML apps (the shell and the fragment apps): templates, filters, HTML errors."""

from __future__ import annotations

import hashlib
import logging
from functools import lru_cache

from flask import Flask, g, make_response, render_template
from werkzeug.exceptions import HTTPException

from ..api import address
from ..app import ROOT, create_base_app
from ..errors import AppError
from ..formatting import money
from ..http.balancer import upstream_client
from ..platform import WebPlatform, platform_of, widen_platform
from ..redis_store import create_redis
from . import form_keys
from .cacheable import CSRF_PLACEHOLDER, default_personal
from .csrf import csrf_token, verify_csrf
from .htmx import vary_on_htmx
from .live import live_static_url

log = logging.getLogger(__name__)
STATIC = ROOT / "static"


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
    settings = platform_of(app).settings
    app.jinja_env.filters["money"] = money
    app.jinja_env.globals["static_url"] = live_static_url(STATIC) if settings.live_templates else static_url
    app.jinja_env.globals["address_fields"] = address.FIELDS  # the forms ask for what the APIs accept
    app.jinja_env.globals["country_name"] = address.country_name
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    widen_platform(
        app, WebPlatform, gateway=upstream_client("gateway", settings.gateway_url, timeout=settings.http_timeout)
    )
    app.jinja_env.globals["csrf_token"] = template_csrf_token
    app.jinja_env.globals["form_key"] = lambda: form_keys.PLACEHOLDER  # the shell puts a fresh key per form
    app.after_request(vary_on_htmx)
    app.after_request(default_personal)
    if not settings.extra.get("CSRF_EXEMPT"):  # the fragment apps, where form posts are applied
        app.before_request(verify_csrf)
        form_keys.install(app, create_redis(settings.redis_url), settings.optional_call_timeout)

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
