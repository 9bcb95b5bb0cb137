"""The API gateway: routes /api/<service>/… to the services, with limits, breakers and request ids."""

from __future__ import annotations

from flask import Flask

from common.app import create_json_app
from common.deps import install
from common.http.balancer import upstream_client
from common.platform import platform_of

from . import routes
from .deps import Deps
from .limits import install_limits
from .routing import UPSTREAM_OF


def create_app(config: dict | None = None) -> Flask:
    app = create_json_app("gateway", __name__, config)
    settings = platform_of(app).settings
    upstreams = {
        # Several comma-separated URLs are balanced, skipping instances whose breaker is open (common/http/balancer.py).
        name: upstream_client(name, settings.service_urls[name], timeout=settings.http_timeout)
        for name in sorted(set(UPSTREAM_OF.values()))
    }
    app.register_blueprint(routes.bp)
    # flask-limiter: writes in Redis (failing open to memory while it is down or hung, counted in
    # gateway_rate_limit_storage_events_total), reads in this process's memory.
    install(app, Deps(upstreams=upstreams, limits=install_limits(app, settings)))
    return app
