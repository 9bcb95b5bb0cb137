"""The orders service: carts (Redis) and orders with their state machine (Orders DB)."""
from __future__ import annotations

from flask import Flask

from common.app import create_service_app, start_workers
from common.mongo import get_database

from . import cart_routes, consumers, routes
from .cart_lines import CartLines
from .repository import OrderRepository


def create_app(config: dict | None = None) -> Flask:
    app = create_service_app("orders", __name__, config)
    app.register_blueprint(cart_routes.bp)
    app.register_blueprint(routes.bp)
    orders = get_database(app)["orders"]
    repo = OrderRepository(orders)
    repo.ensure_indexes()
    # Orders price and empty the cart with the cart's own store and catalog client (bound by its blueprint).
    app.extensions.update({"orders.repo": repo, "orders.catalog": app.extensions["cart.catalog"],
                           "orders.cart": CartLines(app.extensions["cart.store"])})
    start_workers(app, outbox=[orders], handlers=consumers.handlers(repo))
    return app
