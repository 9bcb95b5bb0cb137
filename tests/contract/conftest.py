"""Contract-test fixtures shared by the services' API tests (the token issuer itself is in tests/conftest.py)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def admin(issuer) -> dict:
    """Headers of a signed-in admin."""
    return issuer.headers(role="admin")


@pytest.fixture(scope="session")
def service_config(redis_url, issuer):
    """Config for a service app under test: throwaway Redis, no workers, tokens from the test issuer.
    `urls` points other services somewhere ({"products": …}); other keywords are settings or app.config."""
    def config(urls: dict | None = None, **extra) -> dict:
        return {"redis_url": redis_url, "run_workers": False, "service_urls": issuer.service_urls(**(urls or {})),
                **extra}
    return config


@pytest.fixture(scope="module")
def client(app):
    """The module's `app` behind Flask's test client; modules that need more (cookies, addresses) override it."""
    return app.test_client()
