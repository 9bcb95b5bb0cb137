"""The notifications service: email over SMTP, SMS through a provider adapter, and the delivery log."""

from __future__ import annotations

from flask import Flask

from common.deps import install
from common.service_app import create_service_app, start_workers

from . import dead_letter_routes, routes, sms_routes
from .consumers import all_handlers
from .deps import build


def create_app(config: dict | None = None) -> Flask:
    app = create_service_app("notifications", __name__, config)
    deps = install(app, build(app))
    app.extensions["observability"].add_check("smtp", deps.mailer.ping)
    for bp in (routes.bp, dead_letter_routes.bp, sms_routes.bp):
        app.register_blueprint(bp)
    start_workers(app, handlers=all_handlers(deps.notifier), workers=[lambda: dead_letter_routes.collector(app)])
    return app
