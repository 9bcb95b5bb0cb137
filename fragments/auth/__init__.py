"""The auth micro-frontend: fragments rendered from templates/auth/."""

from __future__ import annotations

from flask import Flask

from common.web.app import create_html_app

from . import email_change, routes


def create_app(config: dict | None = None) -> Flask:
    app = create_html_app("fragment-auth", __name__, config)
    app.register_blueprint(routes.bp)
    app.register_blueprint(email_change.bp)  # the confirm and undo links of "Change email"
    return app
