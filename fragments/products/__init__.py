"""The products micro-frontend: catalog fragments rendered from templates/products/."""

from __future__ import annotations

from flask import Flask

from common.deps import install
from common.web.app import create_html_app

from . import images, routes
from .deps import Deps


def create_app(config: dict | None = None) -> Flask:
    app = create_html_app("fragment-products", __name__, config)
    install(app, Deps())
    for bp in (routes.bp, images.bp):
        app.register_blueprint(bp)
    return app
