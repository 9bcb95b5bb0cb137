"""The API gateway: routes /api/<service>/… to the services, with limits, breakers and request ids."""
from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter

from common.app import create_json_app
from common.http import HttpClient

from . import routes
from .limits import LIMIT_STORAGE_OPTIONS, client_ip, install_limits
from .routing import UPSTREAM_OF


def create_app(config: dict | None = None) -> Flask:
    app = create_json_app("gateway", __name__, config)
    settings = app.extensions["settings"]
    app.extensions["upstreams"] = {
        name: HttpClient(name, settings.service_urls[name], timeout=settings.http_timeout)
        for name in sorted(set(UPSTREAM_OF.values()))
    }
    # Fail open: with Redis down or hung, limits are kept in this process's memory (and any other storage
    # error is swallowed) rather than failing the request; gateway_rate_limit_storage_events_total counts it.
    limiter = Limiter(key_func=client_ip, storage_uri=settings.redis_url, strategy="fixed-window",
                      headers_enabled=True, key_prefix="gateway:limits", in_memory_fallback_enabled=True,
                      swallow_errors=True, storage_options=LIMIT_STORAGE_OPTIONS)
    limiter.init_app(app)
    app.register_blueprint(routes.bp)
    install_limits(app, limiter, settings)
    return app
