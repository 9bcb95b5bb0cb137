"""The cart micro-frontend: fragments rendered from templates/cart/."""

from __future__ import annotations

from flask import Flask

from common.web.app import create_html_app

from . import routes


def create_app(config: dict | None = None) -> Flask:
    app = create_html_app("fragment-cart", __name__, config)
    app.register_blueprint(routes.bp)
    return app
