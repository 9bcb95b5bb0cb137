"""The inventory service: stock per SKU (available and reserved), kept by atomic conditional updates."""

from __future__ import annotations

import atexit
from functools import partial

from flask import Flask

from common.balancer import upstream_client
from common.kafka_options import client_options
from common.mongo import get_database
from common.service_app import create_service_app, start_workers

from . import admin_routes, reconcile, reservations, routes, service
from .repository import StockRepository


def create_app(config: dict | None = None) -> Flask:
    app = create_service_app("inventory", __name__, config)
    db = get_database(app)
    level = app.extensions["settings"].low_stock_level
    stock = StockRepository(db["stock"], level, partial(service.low_stock_event, level=level))
    stock.ensure_indexes()
    app.extensions["inventory.stock"] = stock
    app.register_blueprint(routes.bp)
    app.register_blueprint(admin_routes.bp)  # the back office (issue 13)
    # Reservations (checkout) plug in here: their blueprint, handlers and outbox collections.
    reservation_handlers, reservation_outbox = reservations.init_app(app, db, stock)
    handlers = {"product.changed": partial(service.apply_product_change, stock), **reservation_handlers}
    outbox = [db["stock"], *reservation_outbox]
    start_workers(app, outbox=outbox, handlers=handlers)
    if app.extensions["settings"].run_workers:
        _start_reconciler(app, stock)
    return app


def _start_reconciler(app: Flask, stock: StockRepository) -> None:
    """A restarted process may have lost its data (the local in-process engine): rebuild missing stock records."""
    settings = app.extensions["settings"]
    products = upstream_client("products", settings.service_urls["products"], timeout=settings.http_timeout)

    def get_page(page: int) -> dict:
        resp = products.get("/api/products", params={"page": page, "per_page": reconcile.PER_PAGE})
        resp.raise_for_status()
        return resp.json()

    worker = reconcile.Reconciler(
        stock, get_page, lambda: reconcile.fold_history(reconcile.read_topic(client_options(settings)))
    )
    worker.start()
    app.extensions["inventory.reconciler"] = worker
    atexit.register(worker.stop)
