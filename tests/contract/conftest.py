"""Contract-test fixtures shared by the services' API tests."""
from __future__ import annotations

import pytest

from tests.tokens import token_issuer


@pytest.fixture(scope="session")
def issuer():
    """Signs RS256 tokens whose JWKS is served over HTTP; pass issuer.service_urls() to a service."""
    with token_issuer() as issuer:
        yield issuer


@pytest.fixture(scope="session")
def admin(issuer) -> dict:
    """Headers of a signed-in admin."""
    return issuer.headers(role="admin")
