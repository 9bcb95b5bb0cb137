"""Token verification by flask-jwt-extended with real RS256 signatures and a JWKS served over HTTP."""

from __future__ import annotations

import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask

from common.auth.identity import REVOCATIONS_READY_KEY, REVOKED_KEY
from common.auth.jwks import JwksKeys
from common.redis_store import create_redis
from tests.support.servers import serving
from tests.support.verifying import verifying_app


def jwk_of(private, kid: str) -> dict:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update(kid=kid, use="sig", alg="RS256")
    return jwk


@pytest.fixture(scope="module")
def keys():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return private, {"keys": [jwk_of(private, "k1")]}


@pytest.fixture(scope="module")
def client(keys):
    jwks = Flask(__name__)
    jwks.get("/jwks")(lambda: keys[1])
    with serving(jwks) as url:
        yield verifying_app(f"{url}/jwks").test_client()


def token(private, kid="k1", **claims):
    now = int(time.time())
    body = {"sub": "u1", "role": "customer", "jti": uuid.uuid4().hex, "iat": now, "exp": now + 60, "type": "access"}
    body.update(claims)
    body = {k: v for k, v in body.items() if v is not None}
    return jwt.encode(body, private, algorithm="RS256", headers={"kid": kid})


def call(client, tok: str, method: str = "GET"):
    return client.open("/me", method=method, headers={"Authorization": f"Bearer {tok}"})


def test_a_well_signed_access_token_yields_the_identity(keys, client):
    r = call(client, token(keys[0], role="admin", email="a@b.c"))
    assert r.status_code == 200 and r.json["user_id"] == "u1" and r.json["role"] == "admin"


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda p: token(p, exp=int(time.time()) - 60), "TOKEN_EXPIRED"),
        (lambda p: token(p, type="refresh"), "INVALID_TOKEN"),
        (lambda p: token(p, exp=None), "INVALID_TOKEN"),
        (lambda p: token(p, jti=None), "INVALID_TOKEN"),
        (lambda p: token(rsa.generate_private_key(public_exponent=65537, key_size=2048)), "INVALID_TOKEN"),
        (
            lambda p: jwt.encode(
                {"sub": "u1", "jti": "x", "exp": int(time.time()) + 60},
                "secret",
                algorithm="HS256",
                headers={"kid": "k1"},
            ),
            "INVALID_TOKEN",
        ),
        (lambda p: "not.a.token", "INVALID_TOKEN"),
    ],
)
def test_expired_wrong_type_incomplete_forged_or_hmac_tokens_are_refused(keys, client, mutate, code):
    r = call(client, mutate(keys[0]))
    assert r.status_code == 401 and r.json["error"] == code


@pytest.fixture()
def revocation_store(keys, own_redis):
    """A verifying app reading the revocation list of a Redis of this test's own: (client, redis server, redis)."""
    server = own_redis.start()
    redis = create_redis(server.url)
    jwks = Flask(__name__)
    jwks.get("/jwks")(lambda: keys[1])
    with serving(jwks) as url:
        yield verifying_app(f"{url}/jwks", redis).test_client(), server, redis


def test_a_revoked_token_is_refused_for_reads_and_writes(keys, revocation_store):
    client, _, redis = revocation_store
    jti = uuid.uuid4().hex
    redis.set(REVOKED_KEY.format(jti=jti), 1)
    for method in ("GET", "POST"):
        r = call(client, token(keys[0], jti=jti), method)
        assert r.status_code == 401 and r.json["error"] == "TOKEN_REVOKED"


def test_an_unknown_revocation_state_lets_reads_through_and_refuses_writes(keys, revocation_store):
    client, server, redis = revocation_store
    redis.delete(REVOCATIONS_READY_KEY)  # as after a restart that lost the data, before the republish
    assert call(client, token(keys[0])).status_code == 200
    r = call(client, token(keys[0]), "POST")
    assert r.status_code == 503 and r.json["error"] == "AUTH_UNAVAILABLE"
    server.stop()  # Redis down: the same policy, and no wait for a timeout
    started = time.perf_counter()
    assert call(client, token(keys[0])).status_code == 200
    assert call(client, token(keys[0]), "POST").status_code == 503
    assert time.perf_counter() - started < 1.0


class Rotating:
    """A JWKS whose keys the test changes, counting fetches."""

    def __init__(self, *keys):
        self.keys, self.fetches = list(keys), 0

    def serve(self):
        self.fetches += 1
        return {"keys": [jwk_of(private, kid) for kid, private in self.keys]}


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_a_new_kid_is_trusted_at_once_and_a_retired_one_refused_within_the_ttl():
    a, b = new_key(), new_key()
    keyset = Rotating(("a", a))
    app = Flask(__name__)
    app.get("/jwks")(keyset.serve)
    with serving(app) as url:
        keys = JwksKeys(f"{url}/jwks", ttl=0.5)
        assert keys({"kid": "a"}) is not None
        keyset.keys = [("b", b)]  # two rotations later: a is gone, b is new
        assert keys({"kid": "b"}) is not None  # an unknown kid refetches at once
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            try:
                keys({"kid": "a"})
            except jwt.InvalidTokenError:
                break
        else:
            pytest.fail("the retired kid was still trusted 2 s after it left the JWKS (ttl 0.5 s)")


def test_an_unknown_kid_refetches_once_per_cooldown_and_made_up_kids_share_a_floor():
    keyset = Rotating(("a", new_key()))
    app = Flask(__name__)
    app.get("/jwks")(keyset.serve)
    with serving(app) as url:
        keys = JwksKeys(f"{url}/jwks", ttl=60, kid_cooldown=60)
        keys({"kid": "a"})
        for _ in range(5):
            with pytest.raises(jwt.InvalidTokenError):
                keys({"kid": "nope"})
        for kid in ("x1", "x2", "x3"):
            with pytest.raises(jwt.InvalidTokenError):
                keys({"kid": kid})
    assert keyset.fetches == 2  # the first fetch and one for "nope"; x1..x3 came within the 1 s floor
