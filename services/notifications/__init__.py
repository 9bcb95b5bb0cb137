"""The notifications service: email over SMTP, SMS through a provider adapter, and the delivery log."""
from __future__ import annotations

import os

from flask import Flask

from common.app import create_service_app, start_workers
from common.mongo import get_database
from common.settings import SHELL_PORT, local_port

from . import routes
from .channels import LogSms, SmtpMailer
from .emails import EmailRenderer
from .handlers import all_handlers
from .repository import DeliveryRepository
from .service import Notifier

DEFAULT_SENDER = "Fragmart <no-reply@fragmart.local>"


def create_app(config: dict | None = None) -> Flask:
    app = create_service_app("notifications", __name__, config)
    settings = app.extensions["settings"]
    db = get_database(app)
    repo = DeliveryRepository(db["deliveries"], db["contacts"])
    repo.ensure_indexes()
    shop_url = app.config.get("SHOP_URL") or os.environ.get("SHOP_URL") or f"http://127.0.0.1:{local_port(SHELL_PORT)}"
    mailer = SmtpMailer(settings.smtp_url, app.config.get("MAIL_FROM") or os.environ.get("MAIL_FROM", DEFAULT_SENDER))
    notifier = Notifier(repo, EmailRenderer({"shop_name": "Fragmart", "shop_url": shop_url}), mailer, LogSms())
    app.extensions.update({"notifications.repo": repo, "notifications.notifier": notifier})
    app.extensions["observability"].add_check("smtp", mailer.ping)
    app.register_blueprint(routes.bp)
    start_workers(app, handlers=all_handlers(notifier))
    return app
