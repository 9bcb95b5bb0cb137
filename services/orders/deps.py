"""What the orders service depends on: built once at start, read by its routes through deps()."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from common.deps import deps_of
from common.mongo.database import get_database
from common.platform import ApiPlatform, platform_of

from .cart_catalog import CartCatalog
from .cart_lines import CartLines
from .cart_store import CartStore
from .metrics import OrderMetrics
from .repository import OrderRepository
from .rules import Rules


@dataclass(frozen=True)
class Deps:
    repo: OrderRepository
    cart_store: CartStore  # carts live in Redis
    catalog: CartCatalog  # prices and stock, asked of the products and inventory services
    cart: CartLines  # an order prices and empties the cart through the cart's own store
    rules: Rules  # delivery options, tax rates and promo codes


def build(app: Flask) -> Deps:
    platform, db = platform_of(app, kind=ApiPlatform), get_database(app)
    repo = OrderRepository(db["orders"], OrderMetrics(platform.observability))
    store = CartStore(platform.redis)
    return Deps(
        repo=repo,
        cart_store=store,
        catalog=CartCatalog.from_settings(platform.settings),
        cart=CartLines(store),
        rules=Rules(db),
    )


def deps(app: Flask | None = None) -> Deps:
    return deps_of(Deps, app)
