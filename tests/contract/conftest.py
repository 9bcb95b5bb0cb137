"""Contract-test fixtures shared by the services' API tests (the token issuer itself is in tests/conftest.py)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def admin(issuer) -> dict:
    """Headers of a signed-in admin."""
    return issuer.headers(role="admin")
