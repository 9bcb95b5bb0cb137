"""What the notifications service depends on: built once at start, read by its routes through deps()."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from flask import Flask

from common.auth import order_links
from common.clock import now
from common.deps import deps_of
from common.email_templates import EmailRenderer
from common.mongo.audit import AuditOutbox
from common.mongo.database import get_database
from common.platform import ServicePlatform, platform_of

from .channels import SmtpMailer
from .dead_letters import DeadLetters
from .repository import DeliveryRepository
from .service import Notifier
from .sms import LogSms, TwilioSms, sms_channel
from .webhook_alerts import alerter
from .webhook_repository import EndpointRepository, WebhookDeliveryRepository
from .webhook_sender import WebhookSender, deliver_due, post_signed
from .webhooks import Webhooks


@dataclass(frozen=True)
class Deps:
    repo: DeliveryRepository
    mailer: SmtpMailer
    sms: TwilioSms | LogSms
    notifier: Notifier
    dead_letters: DeadLetters  # the back office's dead letters
    webhooks: Webhooks
    webhook_sender: WebhookSender  # started by start_workers; woken by new messages and Resend


def build(app: Flask) -> Deps:
    settings, db = platform_of(app).settings, get_database(app)
    repo = DeliveryRepository(db["deliveries"], db["contacts"])
    mailer = SmtpMailer(settings.smtp_url, settings.mail_from)
    renderer = EmailRenderer({"shop_name": "Fragmart", "shop_url": settings.shop_url})
    letters = DeadLetters(db["dead_letters"], platform_of(app, kind=ServicePlatform).publisher)
    sms = sms_channel(settings)
    notifier = Notifier(repo, renderer, mailer, sms, settings.staff_alert_email, partial(order_links.sign, settings))
    deliveries = WebhookDeliveryRepository(db["webhook_deliveries"])
    endpoints = EndpointRepository(db["webhook_endpoints"])
    hooks = Webhooks(endpoints, deliveries, now, settings.webhooks_allow_private, AuditOutbox(db["audit_outbox"]))
    post = partial(post_signed, timeout=settings.webhook_timeout)
    sender = WebhookSender(partial(deliver_due, hooks, post, alerter(notifier, settings.admin_email)))
    return Deps(
        repo=repo,
        mailer=mailer,
        sms=sms,
        notifier=notifier,
        dead_letters=letters,
        webhooks=hooks,
        webhook_sender=sender,
    )


def deps(app: Flask | None = None) -> Deps:
    return deps_of(Deps, app)
