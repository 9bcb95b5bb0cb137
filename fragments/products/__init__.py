"""The products micro-frontend: catalog fragments rendered from templates/products/."""

from __future__ import annotations

from flask import Flask

from common.web import create_html_app

from . import images, routes


def create_app(config: dict | None = None) -> Flask:
    app = create_html_app("fragment-products", __name__, config)
    app.register_blueprint(routes.bp)
    app.register_blueprint(images.bp)  # product images (issue 13)
    return app
