"""Token verification with real RS256 signatures and a JWKS served over HTTP."""

from __future__ import annotations

import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask

from common.auth import REVOCATIONS_READY_KEY, REVOKED_KEY, TokenVerifier
from common.errors import Unauthorized, Unavailable
from common.redis_store import create_redis
from tests.servers import serving


@pytest.fixture(scope="module")
def keys():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update(kid="k1", use="sig", alg="RS256")
    return private, {"keys": [jwk]}


@pytest.fixture(scope="module")
def verifier(keys):
    app = Flask(__name__)
    app.get("/jwks")(lambda: keys[1])
    with serving(app) as url:
        yield TokenVerifier(f"{url}/jwks")


def token(private, **claims):
    now = int(time.time())
    body = {"sub": "u1", "role": "customer", "jti": uuid.uuid4().hex, "iat": now, "exp": now + 60, "type": "access"}
    body.update(claims)
    return jwt.encode(body, private, algorithm="RS256", headers={"kid": "k1"})


def test_a_well_signed_access_token_yields_the_identity(keys, verifier):
    ident = verifier.identity(token(keys[0], role="admin", email="a@b.c"))
    assert ident.user_id == "u1" and ident.is_admin and ident.email == "a@b.c"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda p: token(p, exp=int(time.time()) - 60),
        lambda p: token(p, type="refresh"),
        lambda p: token(rsa.generate_private_key(public_exponent=65537, key_size=2048)),
        lambda p: jwt.encode(
            {"sub": "u1", "jti": "x", "exp": int(time.time()) + 60}, "secret", algorithm="HS256", headers={"kid": "k1"}
        ),
        lambda p: "not.a.token",
    ],
)
def test_expired_wrong_type_forged_or_hmac_tokens_are_refused(keys, verifier, mutate):
    with pytest.raises(Unauthorized):
        verifier.identity(mutate(keys[0]))


@pytest.fixture()
def revocation_store(keys, own_redis):
    """A verifier reading the revocation list of a Redis of this test's own: (verifier, redis server, client)."""
    server = own_redis.start()
    client = create_redis(server.url)
    app = Flask(__name__)
    app.get("/jwks")(lambda: keys[1])
    with serving(app) as url:
        yield TokenVerifier(f"{url}/jwks", redis=client), server, client


def test_a_revoked_token_is_refused_for_reads_and_writes(keys, revocation_store):
    verifier, _, client = revocation_store
    jti = uuid.uuid4().hex
    client.set(REVOKED_KEY.format(jti=jti), 1)
    for write in (False, True):
        with pytest.raises(Unauthorized):
            verifier.identity(token(keys[0], jti=jti), write=write)


def test_an_unknown_revocation_state_lets_reads_through_and_refuses_writes(keys, revocation_store):
    verifier, server, client = revocation_store
    client.delete(REVOCATIONS_READY_KEY)  # as after a restart that lost the data, before the republish
    assert verifier.identity(token(keys[0]), write=False).user_id == "u1"
    with pytest.raises(Unavailable) as e:
        verifier.identity(token(keys[0]), write=True)
    assert e.value.code == "AUTH_UNAVAILABLE" and e.value.status == 503
    server.stop()  # Redis down: the same policy, and no wait for a timeout
    started = time.perf_counter()
    assert verifier.identity(token(keys[0]), write=False).user_id == "u1"
    with pytest.raises(Unavailable):
        verifier.identity(token(keys[0]), write=True)
    assert time.perf_counter() - started < 1.0
