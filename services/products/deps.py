"""What the products service depends on: built once at start, read by its routes through deps()."""

from __future__ import annotations

from dataclasses import dataclass

import gridfs
from flask import Flask

from common.deps import deps_of
from common.mongo.database import get_database
from common.platform import ApiPlatform, platform_of

from .cache import ProductCache
from .copurchases import CoPurchaseRepository
from .images import image_store
from .import_runs import ImportRunRepository
from .repository import ProductRepository


@dataclass(frozen=True)
class Deps:
    repo: ProductRepository
    cache: ProductCache
    images: gridfs.GridFS  # the back office's product images
    import_runs: ImportRunRepository  # the legacy catalog import's reports
    copurchases: CoPurchaseRepository  # confirmed orders' products counted together ("You may also like")


def build(app: Flask) -> Deps:
    db = get_database(app)
    repo = ProductRepository(db["products"])
    platform = platform_of(app, kind=ApiPlatform)
    obs = platform.observability
    cache = ProductCache(
        platform.redis,
        obs.counter("products_cache_hits_total", "Product cache hits", ["kind"]),
        obs.counter("products_cache_misses_total", "Product cache misses", ["kind"]),
    )
    runs = ImportRunRepository(db["import_runs"])
    copurchases = CoPurchaseRepository(db["copurchases"], db["copurchase_orders"])
    return Deps(repo=repo, cache=cache, images=image_store(db), import_runs=runs, copurchases=copurchases)


def deps(app: Flask | None = None) -> Deps:
    return deps_of(Deps, app)
