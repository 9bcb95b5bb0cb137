"""What the notifications service depends on: built once at start, read by its routes through deps()."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from common.deps import deps_of
from common.mongo import get_database

from .channels import SmtpMailer
from .dead_letters import DeadLetters
from .emails import EmailRenderer
from .repository import DeliveryRepository
from .service import Notifier
from .sms import LogSms, TwilioSms, sms_channel


@dataclass(frozen=True)
class Deps:
    repo: DeliveryRepository
    mailer: SmtpMailer
    sms: TwilioSms | LogSms
    notifier: Notifier
    dead_letters: DeadLetters  # the back office's dead letters


def build(app: Flask) -> Deps:
    settings, db = app.extensions["settings"], get_database(app)
    repo = DeliveryRepository(db["deliveries"], db["contacts"])
    repo.ensure_indexes()
    mailer = SmtpMailer(settings.smtp_url, settings.mail_from)
    renderer = EmailRenderer({"shop_name": "Fragmart", "shop_url": settings.shop_url})
    letters = DeadLetters(db["dead_letters"], app.extensions["publisher"])
    letters.ensure_indexes()
    sms = sms_channel(settings)
    notifier = Notifier(repo, renderer, mailer, sms)
    return Deps(repo=repo, mailer=mailer, sms=sms, notifier=notifier, dead_letters=letters)


def deps(app: Flask | None = None) -> Deps:
    return deps_of(Deps, app)
