"""The payments service: tokenised payment methods, charges and refunds behind a processor adapter."""

from __future__ import annotations

from flask import Flask

from common.mongo import get_database
from common.service_app import create_service_app, start_workers

from . import consumers, routes
from .processor import SimulatedProcessor
from .repository import ChargeRepository, MethodRepository


def create_app(config: dict | None = None) -> Flask:
    app = create_service_app("payments", __name__, config)
    db = get_database(app)
    methods, charges = MethodRepository(db["payment_methods"]), ChargeRepository(db["charges"])
    methods.ensure_indexes()
    charges.ensure_indexes()
    # The only processor so far; a real provider is another class with the same three methods.
    processor = SimulatedProcessor(db["simulated_processor"])
    app.extensions.update({"payments.methods": methods, "payments.charges": charges, "payments.processor": processor})
    app.register_blueprint(routes.bp)
    start_workers(app, outbox=[db["charges"]], handlers=consumers.handlers(charges, methods, processor))
    return app
