"""A stand-in token issuer for tests of one service: RS256 tokens and a JWKS served over real HTTP."""

from __future__ import annotations

import json
import time
import uuid
from contextlib import contextmanager

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask

from common.settings import load_settings
from tests.support.servers import serving


class TokenIssuer:
    """Signs access tokens the way the auth service does; services verify them through its JWKS URL."""

    def __init__(self, url: str, private_key):
        self.url, self.private_key = url, private_key

    def token(
        self, user_id: str | None = None, role: str = "customer", email: str | None = None, name: str = "Test Shopper"
    ) -> str:
        user_id = user_id or uuid.uuid4().hex
        now = int(time.time())
        claims = {
            "sub": user_id,
            "role": role,
            "email": email or f"{user_id}@example.test",
            "name": name,
            "jti": uuid.uuid4().hex,
            "iat": now,
            "exp": now + 900,
            "type": "access",
        }
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": "test-key"})

    def headers(self, user_id: str | None = None, role: str = "customer", **extra) -> dict:
        return {"Authorization": f"Bearer {self.token(user_id, role)}", **extra}

    def service_urls(self, **overrides: str) -> dict:
        """The default service URLs with auth pointing here: pass as the `service_urls` config of an app."""
        return {**load_settings("test").service_urls, "auth": self.url, **overrides}


@contextmanager
def token_issuer():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update(kid="test-key", use="sig", alg="RS256")
    app = Flask(__name__)
    app.get("/api/auth/jwks")(lambda: {"keys": [jwk]})
    with serving(app) as url:
        yield TokenIssuer(url, private)
