"""Token logic: claims, RS256 with a kid, refresh rotation by family, reuse detection and revocation."""

from __future__ import annotations

import uuid
from contextlib import contextmanager

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask

from common.auth.identity import REVOKED_KEY, Identity
from common.errors import Unauthorized
from common.redis_store import create_redis
from services.auth.keys import SigningKey, thumbprint
from services.auth.tokens import FAMILY_KEY, RACE_GRACE, Tokens, install_issuer


class Clock:
    def __init__(self, now: float = 1_900_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def key():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return SigningKey(private, thumbprint(private.public_key()))


@pytest.fixture(scope="module")
def redis(redis_url):
    return create_redis(redis_url)


@pytest.fixture()
def clock():
    import time

    return Clock(time.time())


@contextmanager
def issuing(tokens: Tokens):
    """flask-jwt-extended signs inside an app set up as the auth service sets up its own."""
    app = Flask(__name__)
    install_issuer(app, tokens, lambda _header, claims: Identity(str(claims["sub"])))
    with app.app_context():
        yield tokens


@pytest.fixture()
def tokens(key, redis, clock):
    with issuing(Tokens(key, redis, access_ttl=900, refresh_ttl=7 * 24 * 3600, clock=clock)) as tokens:
        yield tokens


@pytest.fixture()
def account():
    uid = uuid.uuid4().hex
    return {"_id": uid, "email": f"{uid}@example.com", "name": "Ada", "role": "customer"}


def test_an_access_token_carries_the_agreed_claims_and_the_key_id(tokens, account, key):
    pair = tokens.issue(account)
    header = jwt.get_unverified_header(pair["access_token"])
    claims = jwt.decode(pair["access_token"], key.public_key, algorithms=["RS256"])
    assert header["kid"] == key.kid and header["alg"] == "RS256"
    assert {k: claims[k] for k in ("sub", "role", "email", "name", "type")} == {
        "sub": account["_id"],
        "role": "customer",
        "email": account["email"],
        "name": "Ada",
        "type": "access",
    }
    assert claims["exp"] - claims["iat"] == 900 and len(claims["jti"]) == 32
    assert pair["token_type"] == "Bearer" and pair["expires_in"] == 900


def test_a_refresh_token_lives_for_days_and_names_its_family(tokens, account, key):
    claims = jwt.decode(tokens.issue(account)["refresh_token"], key.public_key, algorithms=["RS256"])
    assert claims["type"] == "refresh" and claims["exp"] - claims["iat"] == 7 * 24 * 3600 and claims["fam"]


def test_every_token_has_its_own_jti(tokens, account, key):
    pairs = [tokens.issue(account) for _ in range(3)]
    jtis = {
        jwt.decode(t, key.public_key, algorithms=["RS256"])["jti"]
        for p in pairs
        for t in (p["access_token"], p["refresh_token"])
    }
    assert len(jtis) == 6


def test_rotation_returns_a_new_pair_and_the_old_refresh_token_stops_working(tokens, account, clock):
    first = tokens.issue(account)
    second = tokens.rotate(first["refresh_token"], lambda _: account)
    assert second["refresh_token"] != first["refresh_token"]
    clock.now += RACE_GRACE + 1
    with pytest.raises(Unauthorized) as reused:
        tokens.rotate(first["refresh_token"], lambda _: account)
    assert reused.value.code == "TOKEN_REUSED"


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(tokens, account, clock, key):
    first = tokens.issue(account)
    second = tokens.rotate(first["refresh_token"], lambda _: account)
    clock.now += RACE_GRACE + 1
    with pytest.raises(Unauthorized):
        tokens.rotate(first["refresh_token"], lambda _: account)  # a thief replays the old token
    with pytest.raises(Unauthorized) as legit:
        tokens.rotate(second["refresh_token"], lambda _: account)  # so the rightful holder is signed out too
    assert legit.value.code in ("TOKEN_REVOKED",)
    access_jti = jwt.decode(second["access_token"], key.public_key, algorithms=["RS256"])["jti"]
    assert tokens.is_revoked(access_jti)


def test_a_parallel_refresh_within_the_grace_window_gets_the_winners_session(tokens, account, key):
    first = tokens.issue(account)
    winner = tokens.rotate(first["refresh_token"], lambda _: account)
    loser = tokens.rotate(first["refresh_token"], lambda _: account)

    def jtis(pair):
        return [
            jwt.decode(pair[t], key.public_key, algorithms=["RS256"])["jti"] for t in ("access_token", "refresh_token")
        ]

    assert jtis(loser) == jtis(winner)  # one session: revoking it ends both answers
    assert tokens.rotate(loser["refresh_token"], lambda _: account)["access_token"]


def test_an_access_token_is_not_accepted_as_a_refresh_token(tokens, account):
    with pytest.raises(Unauthorized) as e:
        tokens.rotate(tokens.issue(account)["access_token"], lambda _: account)
    assert e.value.code == "INVALID_TOKEN"


def test_a_token_signed_by_another_key_is_refused(tokens, account):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(
        {"sub": account["_id"], "jti": "x", "type": "refresh", "fam": "f", "exp": 4_000_000_000},
        other,
        algorithm="RS256",
    )
    with pytest.raises(Unauthorized) as e:
        tokens.rotate(forged, lambda _: account)
    assert e.value.code == "INVALID_TOKEN"


def test_an_expired_refresh_token_is_refused(key, redis, account, clock):
    short = Tokens(key, redis, access_ttl=1, refresh_ttl=1, clock=clock)
    with issuing(short):
        _expired_refresh_is_refused(short, account, clock, key)


def _expired_refresh_is_refused(short, account, clock, key):
    pair = short.issue(account)
    clock.now += 3600
    # PyJWT checks exp against the real clock, so build the expiry into the token instead of faking time.
    expired = jwt.encode(
        {**jwt.decode(pair["refresh_token"], key.public_key, algorithms=["RS256"]), "exp": 1_000_000_000},
        key.private_key,
        algorithm="RS256",
        headers={"kid": key.kid},
    )
    with pytest.raises(Unauthorized) as e:
        short.rotate(expired, lambda _: account)
    assert e.value.code == "TOKEN_EXPIRED"


def test_revoking_a_token_puts_its_jti_on_the_list_until_it_would_have_expired(tokens, account, key, redis):
    claims = jwt.decode(tokens.issue(account)["access_token"], key.public_key, algorithms=["RS256"])
    tokens.revoke_claims(claims)
    ttl = redis.ttl(REVOKED_KEY.format(jti=claims["jti"]))
    assert 0 < ttl <= 900 + 10


def test_a_deleted_account_cannot_refresh(tokens, account):
    pair = tokens.issue(account)
    with pytest.raises(Unauthorized):
        tokens.rotate(pair["refresh_token"], lambda _: None)


def test_ending_a_family_removes_its_state(tokens, account, key, redis):
    fam = jwt.decode(tokens.issue(account)["refresh_token"], key.public_key, algorithms=["RS256"])["fam"]
    tokens.revoke_family(fam)
    assert not redis.exists(FAMILY_KEY.format(fam=fam))
