"""The admin micro-frontend (the back office): fragments rendered from templates/admin/, admins only."""

from __future__ import annotations

from flask import Flask

from common.web import create_html_app

from . import access, dashboard, events, images, inventory, orders, products, users


def create_app(config: dict | None = None) -> Flask:
    app = create_html_app("fragment-admin", __name__, config)
    access.init_app(app)
    images.init_app(app)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(products.bp)
    app.register_blueprint(inventory.bp)
    app.register_blueprint(orders.bp)
    app.register_blueprint(users.bp)
    app.register_blueprint(events.bp)
    return app
