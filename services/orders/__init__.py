"""The orders service: carts (Redis) and orders with their state machine (Orders DB)."""

from __future__ import annotations

from flask import Flask

from common.deps import install
from common.platform import platform_of
from common.service_app import create_service_app, start_workers

from . import admin_routes, cart_routes, consumers, routes, rules_routes, seed
from .deps import build
from .indexes import INDEXES
from .repository import OrderRepository
from .watchdog import Watchdog


def create_app(config: dict | None = None) -> Flask:
    app = create_service_app("orders", __name__, INDEXES, config)
    deps = install(app, build(app))
    for bp in (cart_routes.bp, routes.bp, admin_routes.bp, rules_routes.bp):
        app.register_blueprint(bp)
    if platform_of(app).settings.local_mode:
        seed.seed_rules(deps.rules)
    start_workers(
        app,
        outbox=[deps.repo.orders, deps.rules.trail.entries],
        handlers=consumers.handlers(deps.repo, deps.rules.promotions, deps.cart),
        workers=[lambda: _watchdog(app, deps.repo)],
    )
    return app


def _watchdog(app: Flask, repo: OrderRepository) -> Watchdog:
    """Orders stuck mid-saga longer than the bound are re-driven; each re-drive is counted and logged."""
    platform = platform_of(app)
    bound = platform.settings.order_redrive_after_seconds
    counter = platform.observability.counter("orders_redriven_total", "Orders re-driven by the watchdog", ["status"])
    return Watchdog(repo, bound, counter)
