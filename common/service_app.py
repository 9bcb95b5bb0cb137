"""The service bootstrap: a JSON app plus its Mongo database, the Kafka publisher and the background workers."""

from __future__ import annotations

import atexit
from collections.abc import Callable, Sequence
from typing import Protocol

from flask import Flask, jsonify

from .api.openapi import openapi_document
from .app import create_json_app
from .messaging.kafka import ConsumerRunner, Publisher
from .messaging.kafka_options import client_options
from .messaging.outbox import OutboxRelay
from .mongo.database import create_client, ping
from .mongo.indexes import Indexes, create_indexes
from .observability.metrics import ConsumerMetrics
from .platform import ServicePlatform, platform_of, widen_platform


def create_service_app(name: str, import_name: str, indexes: Indexes, config: dict | None = None) -> Flask:
    """A service: a JSON app plus its Mongo database with its indexes (services/<name>/indexes.py, created here, at
    start), the Kafka publisher and /openapi.json."""
    app = create_json_app(name, import_name, config)
    settings = platform_of(app).settings
    client = create_client(settings.mongo_url)
    publisher = Publisher(settings.kafka_bootstrap, client_options(settings))
    platform = widen_platform(app, ServicePlatform, mongo=client, publisher=publisher)
    create_indexes(platform.database, indexes)
    platform.observability.add_check("mongo", lambda: ping(client))
    platform.observability.add_check("kafka", publisher.ping)
    app.add_url_rule("/openapi.json", "openapi", lambda: jsonify(openapi_document(app)))
    return app


def _watch_outbox(obs, relay: OutboxRelay, max_age: float) -> None:
    """Not ready while events wait too long to leave (a broker the producer cannot reach); both as gauges."""
    obs.add_check("outbox", lambda: relay.check(max_age))
    obs.gauge("outbox_backlog", "Events waiting in outboxes", lambda: relay.backlog()[0])
    obs.gauge("outbox_oldest_age_seconds", "Age of the oldest event waiting in an outbox", lambda: relay.backlog()[1])


class Worker(Protocol):
    """A background loop the process starts once and stops at exit."""

    def start(self) -> object: ...

    def stop(self) -> None: ...

    def join(self, timeout: float | None = None) -> None: ...


def start_workers(
    app: Flask,
    outbox: Sequence = (),
    handlers: dict | None = None,
    workers: Sequence[Callable[[], Worker]] = (),
) -> None:
    """Start every background worker of this process: the outbox relay, the consumers, then the service's own
    (built by the given factories), unless settings say not to (tests)."""
    platform = platform_of(app, kind=ServicePlatform)
    settings, publisher, obs = platform.settings, platform.publisher, platform.observability
    if not settings.run_workers:
        return
    running: list[Worker] = []
    if outbox:
        relay = OutboxRelay(publisher, outbox)
        running.append(relay)
        _watch_outbox(obs, relay, settings.outbox_max_age_seconds)
    if handlers:
        inbox = platform.database["inbox"]
        running.append(
            ConsumerRunner(
                settings.kafka_bootstrap,
                settings.name,
                handlers,
                inbox,
                publisher,
                metrics=ConsumerMetrics(obs, settings.name),
            )
        )
    running.extend(make() for make in workers)
    for w in running:
        w.start()
    app.extensions["workers"] = running

    def _stop():
        for w in running:
            w.stop()

    atexit.register(_stop)


def running_workers(app: Flask) -> list[Worker]:
    """The workers start_workers started in this app (none when settings say not to run them)."""
    return app.extensions.get("workers", [])
