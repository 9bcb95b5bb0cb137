"""Contract-test fixtures shared by the services' API tests (the token issuer itself is in tests/conftest.py)."""

from __future__ import annotations

import contextlib

import pytest

import services.inventory
import services.products
from services.inventory.deps import deps as inventory_deps
from services.products.seed import seed_stock
from tests.support.servers import serving


@pytest.fixture(scope="session")
def admin_headers(issuer) -> dict:
    """Headers of a signed-in admin."""
    return issuer.headers(role="admin")


@pytest.fixture(scope="session")
def service_config(redis_url, issuer):
    """Config for a service app under test: throwaway Redis, no workers, tokens from the test issuer.
    `urls` points other services somewhere ({"products": …}); other keywords are settings or app.config."""

    def config(urls: dict | None = None, **extra) -> dict:
        return {
            "redis_url": redis_url,
            "run_workers": False,
            "service_urls": issuer.service_urls(**(urls or {})),
            **extra,
        }

    return config


@pytest.fixture(scope="module")
def client(app):
    """The module's `app` behind Flask's test client; modules that need more (cookies, addresses) override it."""
    return app.test_client()


@pytest.fixture(scope="module")
def upstreams(redis_url, issuer):
    """Live products and inventory services; inventory holds the seeded stock (no broker in contract tests)."""
    base = {"redis_url": redis_url, "run_workers": False, "service_urls": issuer.service_urls()}
    products, inventory = services.products.create_app(base), services.inventory.create_app(base)
    for sku, product_id, units in seed_stock():
        inventory_deps(inventory).stock.ensure(sku, product_id, units)
    with contextlib.ExitStack() as stack:
        yield {
            "products": stack.enter_context(serving(products)),
            "inventory": stack.enter_context(serving(inventory)),
            "stock": inventory_deps(inventory).stock,
        }
