"""The webhook consumer: its own group, so mail trouble never holds back the owner's systems, and back."""

from __future__ import annotations

from flask import Flask

from common.messaging.kafka import ConsumerRunner
from common.observability.metrics import ConsumerMetrics
from common.platform import ServicePlatform, platform_of

from .deps import deps
from .webhooks import EVENT_TYPES, Webhooks, enqueue

GROUP = "notifications-webhooks"


def handlers(hooks: Webhooks, wake) -> dict:
    """Every event type an endpoint may choose: queue one message per subscribed endpoint, wake the sender."""

    def handle(event) -> None:
        if enqueue(hooks, event):
            wake()

    return dict.fromkeys(EVENT_TYPES, handle)


def consumer(app: Flask) -> ConsumerRunner:
    platform, found = platform_of(app, kind=ServicePlatform), deps(app)
    return ConsumerRunner(
        platform.settings.kafka_bootstrap,
        GROUP,
        handlers(found.webhooks, found.webhook_sender.wake.set),
        platform.database["inbox"],
        platform.publisher,
        metrics=ConsumerMetrics(platform.observability, GROUP),
    )
