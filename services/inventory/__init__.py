"""The inventory service: stock per SKU (available and reserved), kept by atomic conditional updates."""

from __future__ import annotations

from flask import Flask

from common.deps import install
from common.http.balancer import upstream_client
from common.messaging.kafka import read_topic
from common.messaging.kafka_options import client_options
from common.platform import platform_of
from common.service_app import create_service_app, start_workers

from . import admin_routes, consumers, reconcile, reservations, routes
from .deps import build
from .indexes import INDEXES
from .repository import StockRepository


def create_app(config: dict | None = None) -> Flask:
    app = create_service_app("inventory", __name__, INDEXES, config)
    settings, deps = platform_of(app).settings, install(app, build(app))
    ttl, paid_ttl = settings.reservation_ttl_seconds, settings.paid_reservation_ttl_seconds
    for bp in (routes.bp, admin_routes.bp):
        app.register_blueprint(bp)
    reservations.watch_stuck_paid(platform_of(app).observability.registry, deps.reservations, paid_ttl)
    handlers = consumers.handlers(deps.reservations, deps.stock, ttl)
    start_workers(
        app,
        outbox=[deps.stock.stock, deps.reservations.reservations],
        handlers=handlers,
        workers=[
            lambda: reservations.sweeper(deps.reservations, deps.stock, ttl, paid_ttl),
            lambda: _reconciler(app, deps.stock),
        ],
    )
    return app


def _reconciler(app: Flask, stock: StockRepository) -> reconcile.Reconciler:
    """A restarted process may have lost its data (the local in-process engine): rebuild missing stock records."""
    settings = platform_of(app).settings
    products = upstream_client("products", settings.service_urls["products"], timeout=settings.http_timeout)

    def get_page(page: int) -> dict:
        resp = products.get("/api/products", params={"page": page, "per_page": reconcile.PER_PAGE})
        resp.raise_for_status()
        return resp.json()

    return reconcile.Reconciler(
        stock, get_page, lambda: reconcile.fold_history(read_topic(client_options(settings), reconcile.TOPIC))
    )
