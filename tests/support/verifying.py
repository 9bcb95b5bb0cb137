"""A process that verifies tokens as the gateway and the services do (flask-jwt-extended over a JWKS URL), for tests
that need one without starting a service."""

from __future__ import annotations

from flask import Flask, jsonify

from common.auth.identity import Identity, RedisBlocklist, current_identity, install_jwt, never_revoked
from common.auth.jwks import JwksKeys
from common.errors import Unauthorized, Unavailable, register_json_errors


def verifying_app(jwks_url: str, redis=None, jwks_ttl: float = 60.0) -> Flask:
    """A JSON app set up like create_json_app's verifier, with one route (GET is a read, POST a write)."""
    app = Flask(__name__)
    register_json_errors(app)
    install_jwt(app, JwksKeys(jwks_url, ttl=jwks_ttl), RedisBlocklist(redis) if redis is not None else never_revoked)

    def me():
        who = current_identity(optional=False)
        return jsonify(user_id=who.user_id, role=who.role, email=who.email, name=who.name)

    app.add_url_rule("/me", "me", me, methods=["GET", "POST"])
    return app


class Verifier:
    """identity(token) through a verifying app's request path; refusals come back as the errors it answered."""

    def __init__(self, jwks_url: str, redis=None, jwks_ttl: float = 60.0):
        self.client = verifying_app(jwks_url, redis, jwks_ttl).test_client()

    def identity(self, token: str, write: bool = False) -> Identity:
        r = self.client.open("/me", method="POST" if write else "GET", headers={"Authorization": f"Bearer {token}"})
        body = r.get_json()
        if r.status_code == 200:
            return Identity(**body)
        error = Unavailable if r.status_code == 503 else Unauthorized
        raise error(body["message"], code=body["error"])
