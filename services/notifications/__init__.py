"""The notifications service: email over SMTP, SMS through a provider adapter, the delivery log, outbound webhooks."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from common.deps import install
from common.platform import platform_of
from common.service_app import Worker, create_service_app, start_workers

from . import dead_letter_routes, routes, sms_routes, webhook_handlers, webhook_routes
from .consumers import all_handlers
from .deps import build
from .indexes import INDEXES


def create_app(config: dict | None = None) -> Flask:
    app = create_service_app("notifications", __name__, INDEXES, config)
    deps = install(app, build(app))
    platform_of(app).observability.add_check("smtp", deps.mailer.ping)
    for bp in (routes.bp, dead_letter_routes.bp, sms_routes.bp, webhook_routes.bp):
        app.register_blueprint(bp)
    workers: list[Callable[[], Worker]] = [
        lambda: dead_letter_routes.collector(app),
        lambda: webhook_handlers.consumer(app),
        lambda: deps.webhook_sender,
    ]
    outbox = [deps.dead_letters.letters, *([deps.webhooks.trail.entries] if deps.webhooks.trail else [])]
    start_workers(app, outbox=outbox, handlers=all_handlers(deps.notifier), workers=workers)
    return app
