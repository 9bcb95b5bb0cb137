"""The bootstrap every process shares (settings, logs, errors, health, metrics) and the JSON one: no broker or Mongo."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from . import redis_store
from .api.validation import GuardedJSONProvider, GuardedRequest
from .auth.identity import RedisBlocklist, install_jwt
from .auth.jwks import JwksKeys
from .errors import register_json_errors
from .http.balancer import split_urls
from .observability import tracing
from .observability.logs import configure_logging
from .observability.registry import Observability
from .platform import ApiPlatform, Platform, install_platform, platform_of, widen_platform
from .settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
MAX_BODY = 64 * 1024

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self' {payment_page}; frame-ancestors 'none'; base-uri 'self'"
    ),
}


def _security_headers_for(settings: Settings):
    """The headers every answer carries. A form may lead to the shop itself and to the payment provider's hosted
    page ("Place order" and "Pay now" end in a redirect there), and nowhere else."""
    origin = "".join(ch for ch in settings.payment_page_origin if not ch.isspace() and ch not in ";,'\"")
    headers = {**SECURITY_HEADERS}
    headers["Content-Security-Policy"] = SECURITY_HEADERS["Content-Security-Policy"].format(payment_page=origin)

    def security_headers(resp):
        for k, v in headers.items():
            resp.headers.setdefault(k, v)
        return resp

    return security_headers


def create_base_app(name: str, import_name: str, config: dict | None = None) -> Flask:
    """A Flask app with settings, JSON logs, request ids, health, metrics and security headers."""
    settings: Settings = load_settings(name, config)
    app = Flask(import_name, template_folder=str(TEMPLATES), static_folder=None)
    app.request_class, app.json = GuardedRequest, GuardedJSONProvider(app)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, TESTING=bool(settings.extra.get("TESTING")))
    app.config["TEMPLATES_AUTO_RELOAD"] = settings.live_templates  # Jinja re-reads a changed template (local only)
    app.config.update({k: v for k, v in settings.extra.items() if k.isupper()})
    configure_logging(name, settings.log_level)
    install_platform(app, Platform(settings=settings, observability=Observability(app, name, settings)))
    tracing.install(app, settings)
    app.after_request(_security_headers_for(settings))
    return app


def create_json_app(name: str, import_name: str, config: dict | None = None) -> Flask:
    """A JSON API process (the gateway, every service): base app plus JSON errors, Redis and flask-jwt-extended
    verifying bearer tokens against the auth service's JWKS and the revocation list."""
    app = create_base_app(name, import_name, config)
    settings = platform_of(app).settings
    register_json_errors(app)
    redis_store.register_redis_errors(app)
    r = redis_store.create_redis(settings.redis_url)
    widen_platform(app, ApiPlatform, redis=r).observability.add_check("redis", r.ping)
    auth_url = split_urls(settings.service_urls["auth"])[0]  # the keys are the same on every auth instance
    install_jwt(app, JwksKeys(f"{auth_url}/api/auth/jwks", ttl=settings.jwks_ttl), RedisBlocklist(r))
    return app
