"""The notifications service: email over SMTP, SMS through a provider adapter, and the delivery log."""

from __future__ import annotations

from flask import Flask

from common.mongo import get_database
from common.service_app import create_service_app, start_workers

from . import dead_letter_routes, routes
from .channels import LogSms, SmtpMailer
from .emails import EmailRenderer
from .handlers import all_handlers
from .repository import DeliveryRepository
from .service import Notifier


def create_app(config: dict | None = None) -> Flask:
    app = create_service_app("notifications", __name__, config)
    settings = app.extensions["settings"]
    db = get_database(app)
    repo = DeliveryRepository(db["deliveries"], db["contacts"])
    repo.ensure_indexes()
    mailer = SmtpMailer(settings.smtp_url, settings.mail_from)
    notifier = Notifier(repo, EmailRenderer({"shop_name": "Fragmart", "shop_url": settings.shop_url}), mailer, LogSms())
    app.extensions.update({"notifications.repo": repo, "notifications.notifier": notifier})
    app.extensions["observability"].add_check("smtp", mailer.ping)
    app.register_blueprint(routes.bp)
    dead_letter_routes.init_app(app, db)  # the back office's dead letters (issue 13)
    start_workers(app, handlers=all_handlers(notifier))
    dead_letter_routes.start_collector(app)
    return app
