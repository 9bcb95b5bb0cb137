"""The profile micro-frontend: fragments rendered from templates/profile/."""

from __future__ import annotations

from flask import Flask

from common.web.app import create_html_app

from . import delete_account, email_change, export, order_links, orders, routes, two_factor


def create_app(config: dict | None = None) -> Flask:
    app = create_html_app("fragment-profile", __name__, config)
    app.register_blueprint(routes.bp)
    app.register_blueprint(email_change.bp)  # "Change email": a link to the new address
    app.register_blueprint(orders.bp)  # order history: /orders, /orders/<id> and the profile's recent orders
    app.register_blueprint(order_links.bp)  # one order by its signed link, signed in or not
    app.register_blueprint(two_factor.bp)  # an admin's "Two-factor authentication"
    app.register_blueprint(export.bp)  # "Download my data": the JSON file the shell's /profile/my-data relays
    app.register_blueprint(delete_account.bp)  # "Delete my account"
    return app
