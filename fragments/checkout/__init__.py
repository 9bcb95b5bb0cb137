"""The checkout micro-frontend: fragments rendered from templates/checkout/."""

from __future__ import annotations

from flask import Flask

from common.deps import install
from common.platform import platform_of
from common.redis_store import create_redis
from common.web.app import create_html_app

from . import drafts, routes
from .deps import Deps


def create_app(config: dict | None = None) -> Flask:
    app = create_html_app("fragment-checkout", __name__, config)
    platform = platform_of(app)
    redis = create_redis(platform.settings.redis_url)
    install(app, Deps(drafts=drafts.Drafts(redis)))
    platform.observability.add_check("redis", redis.ping)
    app.after_request(drafts.remember)
    app.register_blueprint(routes.bp)
    return app
