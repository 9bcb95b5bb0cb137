"""The payments service: the provider's checkout per order, authorization by webhook, capture, void, refunds."""

from __future__ import annotations

from flask import Flask

from common.deps import install
from common.service_app import create_service_app, start_workers

from . import consumers, routes
from .deps import build
from .indexes import INDEXES


def create_app(config: dict | None = None) -> Flask:
    app = create_service_app("payments", __name__, INDEXES, config)
    deps = install(app, build(app))
    app.register_blueprint(routes.bp)
    handlers = consumers.handlers(deps.charges, deps.provider, deps.metrics, deps.openings)
    start_workers(app, outbox=[deps.charges.charges], handlers=handlers)
    return app
