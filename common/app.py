"""One bootstrap for every process: settings, logging, errors, health, metrics, stores, workers."""

from __future__ import annotations

import atexit
from pathlib import Path

from flask import Flask, jsonify

from . import mongo, redis_store, tracing
from .auth import TokenVerifier
from .balancer import split_urls
from .errors import register_json_errors
from .kafka import ConsumerRunner, Publisher
from .kafka_options import client_options
from .logs import configure_logging
from .metrics import ConsumerMetrics
from .observability import Observability
from .openapi import openapi_document
from .outbox import OutboxRelay
from .settings import Settings, load_settings
from .validation import GuardedJSONProvider, GuardedRequest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
MAX_BODY = 64 * 1024

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'"
    ),
}


def _security_headers(resp):
    for k, v in SECURITY_HEADERS.items():
        resp.headers.setdefault(k, v)
    return resp


def create_base_app(name: str, import_name: str, config: dict | None = None) -> Flask:
    """A Flask app with settings, JSON logs, request ids, health, metrics and security headers."""
    settings: Settings = load_settings(name, config)
    app = Flask(import_name, template_folder=str(TEMPLATES), static_folder=None)
    app.request_class, app.json = GuardedRequest, GuardedJSONProvider(app)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, TESTING=bool(settings.extra.get("TESTING")))
    app.config["TEMPLATES_AUTO_RELOAD"] = settings.live_templates  # Jinja re-reads a changed template (local only)
    app.config.update({k: v for k, v in settings.extra.items() if k.isupper()})
    app.extensions["settings"] = settings
    configure_logging(name, settings.log_level)
    Observability(app, name)
    tracing.install(app, name)
    app.after_request(_security_headers)
    return app


def create_json_app(name: str, import_name: str, config: dict | None = None) -> Flask:
    """A JSON API process (the gateway, every service): base app plus JSON errors, Redis and the JWT verifier."""
    app = create_base_app(name, import_name, config)
    settings = app.extensions["settings"]
    register_json_errors(app)
    redis_store.register_redis_errors(app)
    r = redis_store.create_redis(settings.redis_url)
    app.extensions["redis"] = r
    app.extensions["observability"].add_check("redis", r.ping)
    auth_url = split_urls(settings.service_urls["auth"])[0]  # the keys are the same on every auth instance
    app.extensions["verifier"] = TokenVerifier(f"{auth_url}/api/auth/jwks", redis=r)
    return app


def create_service_app(name: str, import_name: str, config: dict | None = None) -> Flask:
    """A service: a JSON app plus its Mongo database, the Kafka publisher and /openapi.json."""
    app = create_json_app(name, import_name, config)
    settings = app.extensions["settings"]
    obs = app.extensions["observability"]
    client = mongo.create_client(settings.mongo_url)
    if settings.data_dir and not settings.mongo_url:  # local mode under `make run`: data survives a restart
        from .snapshot import persist

        app.extensions["mongo.snapshot"] = persist(client, settings.data_dir, name)
    app.extensions["mongo"] = client
    obs.add_check("mongo", lambda: mongo.ping(client))
    publisher = Publisher(settings.kafka_bootstrap, client_options(settings))
    app.extensions["publisher"] = publisher
    obs.add_check("kafka", publisher.ping)
    app.add_url_rule("/openapi.json", "openapi", lambda: jsonify(openapi_document(app)))
    return app


def _watch_outbox(obs, relay: OutboxRelay, max_age: float) -> None:
    """Not ready while events wait too long to leave (a broker the producer cannot reach); both as gauges."""
    obs.add_check("outbox", lambda: relay.check(max_age))
    obs.gauge("outbox_backlog", "Events waiting in outboxes", lambda: relay.backlog()[0])
    obs.gauge("outbox_oldest_age_seconds", "Age of the oldest event waiting in an outbox", lambda: relay.backlog()[1])


def start_workers(app: Flask, outbox=(), handlers: dict | None = None) -> None:
    """Start the outbox relay and consumers in this process, unless settings say not to (tests)."""
    settings = app.extensions["settings"]
    if not settings.run_workers:
        return
    publisher = app.extensions["publisher"]
    workers: list[OutboxRelay | ConsumerRunner] = []
    if outbox:
        relay = OutboxRelay(publisher, outbox)
        workers.append(relay)
        _watch_outbox(app.extensions["observability"], relay, settings.outbox_max_age_seconds)
    if handlers:
        inbox = mongo.get_database(app)["inbox"]
        workers.append(
            ConsumerRunner(
                settings.kafka_bootstrap,
                settings.name,
                handlers,
                inbox,
                publisher,
                metrics=ConsumerMetrics(app.extensions["observability"], settings.name),
            )
        )
    for w in workers:
        w.start()
    app.extensions["workers"] = workers

    def _stop():
        for w in workers:
            w.stop()

    atexit.register(_stop)
