"""The orders service: carts (Redis) and orders with their state machine (Orders DB)."""
from __future__ import annotations

from flask import Flask

from common.app import create_service_app

from . import cart_routes, routes


def create_app(config: dict | None = None) -> Flask:
    app = create_service_app("orders", __name__, config)
    app.register_blueprint(cart_routes.bp)
    app.register_blueprint(routes.bp)
    return app
