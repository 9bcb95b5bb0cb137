"""The products service: catalog, categories and search over the Products DB."""

from __future__ import annotations

from flask import Flask

from common.mongo import get_database
from common.service_app import create_service_app, start_workers

from . import image_routes, routes, service
from .cache import ProductCache
from .repository import ProductRepository


def create_app(config: dict | None = None) -> Flask:
    app = create_service_app("products", __name__, config)
    db = get_database(app)
    repo = ProductRepository(db["products"])
    repo.ensure_indexes()
    obs = app.extensions["observability"]
    cache = ProductCache(
        app.extensions["redis"],
        obs.counter("products_cache_hits_total", "Product cache hits", ["kind"]),
        obs.counter("products_cache_misses_total", "Product cache misses", ["kind"]),
    )
    app.extensions.update({"products.repo": repo, "products.cache": cache})
    app.register_blueprint(routes.bp)
    image_routes.init_app(app, app.extensions["mongo"], db)  # product images (issue 13)
    if app.extensions["settings"].local_mode:
        service.seed_catalog(repo, cache)
    # Writers bump the cache generation themselves; the event is the second chance when that bump failed
    # (Redis down at the time): the consumer retries until the cache is invalidated.
    start_workers(app, outbox=[db["products"]], handlers={"product.changed": lambda event: cache.invalidate_or_raise()})
    return app
