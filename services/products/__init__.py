"""The products service: catalog, categories and search over the Products DB."""

from __future__ import annotations

from flask import Flask

from common.deps import install
from common.platform import platform_of
from common.service_app import create_service_app, start_workers

from . import consumers, image_routes, import_routes, routes, service
from .deps import build
from .indexes import INDEXES


def create_app(config: dict | None = None) -> Flask:
    app = create_service_app("products", __name__, INDEXES, config)
    deps = install(app, build(app))
    for bp in (routes.bp, image_routes.bp, import_routes.bp):
        app.register_blueprint(bp)
    service.migrate_variants(deps.repo.products)
    if platform_of(app).settings.local_mode:
        service.seed_catalog(deps.repo, deps.cache, deps.images)
    start_workers(
        app, outbox=[deps.repo.products], handlers=consumers.handlers(deps.cache, deps.copurchases, deps.repo)
    )
    return app
