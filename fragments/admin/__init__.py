"""The admin micro-frontend (the back office): fragments rendered from templates/admin/, admins only."""

from __future__ import annotations

from flask import Flask

from common.deps import install
from common.web.app import create_html_app

from . import (
    access,
    dashboard,
    dead_letters,
    images,
    imports,
    inventory,
    orders,
    products,
    promotions,
    shipping,
    tax,
    users,
    webhooks,
)
from .deps import build


def create_app(config: dict | None = None) -> Flask:
    app = create_html_app("fragment-admin", __name__, config)
    install(app, build(app))
    access.init_app(app)
    images.init_app(app)
    for bp in (
        images.bp,
        dashboard.bp,
        products.bp,
        inventory.bp,
        orders.bp,
        users.bp,
        dead_letters.bp,
        webhooks.bp,
        shipping.bp,
        tax.bp,
        promotions.bp,
        imports.bp,
    ):
        app.register_blueprint(bp)
    return app
