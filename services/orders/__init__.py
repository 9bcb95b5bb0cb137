"""The orders service: carts (Redis) and orders with their state machine (Orders DB)."""

from __future__ import annotations

import atexit

from flask import Flask

from common.mongo import get_database
from common.service_app import create_service_app, start_workers

from . import admin_routes, cart_routes, consumers, routes
from .cart_lines import CartLines
from .metrics import OrderMetrics
from .repository import OrderRepository
from .watchdog import Watchdog


def create_app(config: dict | None = None) -> Flask:
    app = create_service_app("orders", __name__, config)
    app.register_blueprint(cart_routes.bp)
    app.register_blueprint(routes.bp)
    app.register_blueprint(admin_routes.bp)  # the back office (issue 13)
    orders = get_database(app)["orders"]
    repo = OrderRepository(orders, OrderMetrics(app.extensions["observability"]))
    repo.ensure_indexes()
    # Orders price and empty the cart with the cart's own store and catalog client (bound by its blueprint).
    app.extensions.update(
        {
            "orders.repo": repo,
            "orders.catalog": app.extensions["cart.catalog"],
            "orders.cart": CartLines(app.extensions["cart.store"]),
        }
    )
    start_workers(app, outbox=[orders], handlers=consumers.handlers(repo))
    if app.extensions["settings"].run_workers:
        _start_watchdog(app, repo)
    return app


def _start_watchdog(app: Flask, repo: OrderRepository) -> None:
    """Orders stuck mid-saga longer than the bound are re-driven; each re-drive is counted and logged."""
    bound = app.extensions["settings"].order_redrive_after_seconds
    counter = app.extensions["observability"].counter(
        "orders_redriven_total", "Orders re-driven by the watchdog", ["status"]
    )
    watchdog = Watchdog(repo, bound, counter)
    watchdog.start()
    app.extensions["workers"].append(watchdog)
    atexit.register(watchdog.stop)
