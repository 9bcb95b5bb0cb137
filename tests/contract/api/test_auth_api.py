"""The auth API: register, login, refresh, logout, JWKS, limits and strict bodies, each error case included."""

from __future__ import annotations

import random
import uuid
from concurrent.futures import ThreadPoolExecutor

import jwt
import pytest
import requests

import services.auth
from common.errors import Unauthorized
from common.redis_store import create_redis
from services.auth.deps import deps as auth_deps
from tests.support.servers import serving
from tests.support.verifying import Verifier

ADMIN = {"email": "Admin@Example.com", "password": "admin-password-1"}


@pytest.fixture(scope="module")
def app(redis_url, tmp_path_factory):
    return services.auth.create_app(
        {
            "redis_url": redis_url,
            "run_workers": False,
            "keys_dir": str(tmp_path_factory.mktemp("keys")),
            "admin_email": ADMIN["email"],
            "admin_password": ADMIN["password"],
        }
    )


@pytest.fixture(scope="module")
def verifier(app, redis_url):
    """The verifier every service uses, pointed at this auth service's JWKS over real HTTP."""
    with serving(app) as url:
        yield Verifier(f"{url}/api/auth/jwks", redis=create_redis(redis_url))


@pytest.fixture()
def client(app):
    # Each test comes from its own address, so per-IP limits of one test never touch another.
    ip = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    c = app.test_client()
    c.environ_base["HTTP_X_FORWARDED_FOR"] = ip
    return c


def email() -> str:
    return f"ada-{uuid.uuid4().hex}@example.com"


def register(client, address=None, password="secret-pass-1", name="Ada Tester"):
    return client.post("/api/auth/register", json={"email": address or email(), "password": password, "name": name})


def claims(app, token):
    return jwt.decode(token, auth_deps(app).key.public_key, algorithms=["RS256"])


def test_registering_creates_a_customer_and_signs_them_in(client, app):
    r = register(client)
    assert r.status_code == 201
    assert r.json["user"]["role"] == "customer" and r.json["token_type"] == "Bearer"
    assert claims(app, r.json["access_token"])["sub"] == r.json["user"]["id"]


def test_registering_queues_user_registered_in_the_same_document(client, app):
    r = register(client, name="Grace Hopper")
    doc = auth_deps(app).repo.accounts.find_one({"_id": r.json["user"]["id"]})
    [event] = doc["_outbox"]
    assert event["type"] == "user.registered" and event["source"] == "auth"
    assert event["data"]["user_id"] == r.json["user"]["id"] and event["data"]["name"] == "Grace Hopper"
    assert {"event_id", "version", "occurred_at", "correlation_id"} <= set(event)


def test_the_password_is_stored_only_as_an_argon2_hash(client, app):
    r = register(client, password="a-very-secret-1")
    doc = auth_deps(app).repo.accounts.find_one({"_id": r.json["user"]["id"]})
    assert doc["password_hash"].startswith("$argon2id$") and "a-very-secret-1" not in str(doc)
    assert "password_hash" not in r.json["user"]


def test_emails_are_normalised_so_case_makes_no_second_account_and_padding_is_not_an_address(client):
    address = email()
    assert register(client, address.upper()).json["user"]["email"] == address
    r = register(client, address)
    assert r.status_code == 409 and r.json["error"] == "EMAIL_TAKEN"
    padded = register(client, f"  {email()} ")  # not `format: email`, as the document says (the form trims it)
    assert padded.status_code == 422 and "email" in padded.json["details"]["fields"]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"email": "not-an-email", "password": "secret-pass-1", "name": "A"}, "email"),
        ({"email": "a@example.com", "password": "short", "name": "A"}, "password"),
        ({"email": "a@example.com", "password": "x" * 129, "name": "A"}, "password"),
        ({"email": "a@example.com", "password": "secret-pass-1", "name": ""}, "name"),
        ({"email": "a@example.com", "password": "secret-pass-1", "name": "n" * 101}, "name"),
        ({"email": "a@example.com", "password": "secret-pass-1", "name": "line\nbreak"}, "name"),
        ({"email": "e" * 250 + "@example.com", "password": "secret-pass-1", "name": "A"}, "email"),
        ({"email": {"$ne": ""}, "password": "secret-pass-1", "name": "A"}, "email"),
        ({"email": "a@example.com", "password": 12345678, "name": "A"}, "password"),
        ({"email": "a@example.com", "password": "secret-pass-1", "name": ["A"]}, "name"),
        ({"email": "a@example.com", "password": "secret-pass-1", "name": "A", "role": "admin"}, "role"),
        ({"password": "secret-pass-1", "name": "A"}, "email"),
    ],
)
def test_a_bad_registration_body_is_422_naming_the_field(client, body, field):
    r = client.post("/api/auth/register", json=body)
    assert r.status_code == 422 and field in r.json["details"]["fields"]


@pytest.mark.parametrize("path", ["/api/auth/register", "/api/auth/login", "/api/auth/refresh"])
def test_a_body_that_is_not_a_json_object_is_400(client, path):
    for data, ctype in (("[1, 2]", "application/json"), ("{nope", "application/json"), ("a=b", "text/plain")):
        r = client.post(path, data=data, content_type=ctype)
        assert r.status_code == 400 and r.json["error"] == "INVALID_JSON"


def test_an_oversized_body_is_refused_before_parsing(client):
    r = client.post("/api/auth/login", json={"email": "a@example.com", "password": "p" * 100_000})
    assert r.status_code == 413


def test_login_answers_the_token_pair_with_the_agreed_claims(client, app):
    address = email()
    user = register(client, address, name="Ada Lovelace").json["user"]
    r = client.post("/api/auth/login", json={"email": address.upper(), "password": "secret-pass-1"})
    assert r.status_code == 200
    assert set(r.json) >= {"access_token", "refresh_token", "token_type", "expires_in"}
    access = claims(app, r.json["access_token"])
    assert (access["sub"], access["role"], access["email"], access["name"], access["type"]) == (
        user["id"],
        "customer",
        address,
        "Ada Lovelace",
        "access",
    )
    assert 800 <= r.json["expires_in"] <= 1000 and access["jti"] and access["iat"]
    assert jwt.get_unverified_header(r.json["access_token"])["kid"] == auth_deps(app).key.kid


def test_a_wrong_password_and_an_unknown_email_get_the_same_401(client):
    address = email()
    register(client, address)
    wrong = client.post("/api/auth/login", json={"email": address, "password": "wrong-pass-1"})
    unknown = client.post("/api/auth/login", json={"email": email(), "password": "wrong-pass-1"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json and wrong.json["error"] == "INVALID_CREDENTIALS"


@pytest.mark.parametrize(
    "body",
    [
        {"email": {"$ne": None}, "password": {"$ne": None}},
        {"email": "a@example.com", "password": {"$gt": ""}},
        {"email": ["a@example.com"], "password": "x"},
        {"email": "a@example.com"},
        {"email": "a@example.com", "password": "x", "extra": 1},
        {"email": "a@example.com", "password": "x" * 129},
    ],
)
def test_login_with_operator_objects_wrong_types_or_oversized_fields_is_422(client, body):
    r = client.post("/api/auth/login", json=body)
    assert r.status_code == 422 and r.json["error"] == "VALIDATION_ERROR"


def test_thirty_quick_failures_for_one_account_meet_429_even_from_many_addresses(app):
    address = email()
    register(app.test_client(), address)
    statuses = []
    for i in range(30):
        c = app.test_client()
        c.environ_base["HTTP_X_FORWARDED_FOR"] = f"172.16.{i}.{random.randrange(1, 255)}"
        statuses.append(c.post("/api/auth/login", json={"email": address, "password": f"guess-{i}"}).status_code)
    assert statuses[0] == 401 and 429 in statuses
    first = statuses.index(429)
    assert set(statuses[first:]) == {429}


def test_a_locked_account_refuses_even_the_right_password_and_says_when_to_retry(client):
    address = email()
    register(client, address)
    for i in range(10):
        client.post("/api/auth/login", json={"email": address, "password": f"guess-{i}"})
    r = client.post("/api/auth/login", json={"email": address, "password": "secret-pass-1"})
    assert r.status_code == 429 and r.json["error"] == "RATE_LIMITED"
    assert 0 < int(r.headers["Retry-After"]) <= 900


def test_failures_from_one_address_do_not_lock_the_owner_out_from_another(app):
    address = email()
    register(app.test_client(), address)
    attacker, owner = app.test_client(), app.test_client()
    attacker.environ_base["HTTP_X_FORWARDED_FOR"] = f"198.51.100.{random.randrange(1, 255)}"
    owner.environ_base["HTTP_X_FORWARDED_FOR"] = f"203.0.113.{random.randrange(1, 255)}"
    guesses = [
        attacker.post("/api/auth/login", json={"email": address, "password": f"guess-{i}"}).status_code
        for i in range(12)
    ]
    assert guesses == [401] * 10 + [429] * 2
    r = owner.post("/api/auth/login", json={"email": address, "password": "secret-pass-1"})
    assert r.status_code == 200 and r.json["access_token"]


def test_guessing_from_many_addresses_meets_a_short_account_wide_cool_down(app):
    address = email()
    register(app.test_client(), address)
    r = None
    for i in range(26):
        c = app.test_client()
        c.environ_base["HTTP_X_FORWARDED_FOR"] = f"100.64.{i}.{random.randrange(1, 255)}"
        r = c.post("/api/auth/login", json={"email": address, "password": f"guess-{i}"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) <= 300


def test_one_address_is_limited_across_accounts(redis_url, tmp_path_factory):
    app = services.auth.create_app(
        {
            "redis_url": redis_url,
            "run_workers": False,
            "keys_dir": str(tmp_path_factory.mktemp("keys")),
            "auth_rate_limits": "login_ip=5/60,register_ip=3/600",
        }
    )
    c = app.test_client()
    c.environ_base["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{random.randrange(1, 255)}"
    logins = [c.post("/api/auth/login", json={"email": email(), "password": "x"}).status_code for _ in range(6)]
    assert logins == [401] * 5 + [429]
    registrations = [register(c).status_code for _ in range(4)]
    assert registrations == [201] * 3 + [429]


def test_refresh_rotates_and_a_reused_refresh_token_ends_the_session(client, verifier):
    first = register(client).json
    second = client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]}).json
    assert verifier.identity(second["access_token"]).role == "customer"
    third = client.post("/api/auth/refresh", json={"refresh_token": second["refresh_token"]}).json
    replay = client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401 and replay.json["error"] == "TOKEN_REUSED"
    with pytest.raises(Unauthorized):
        verifier.identity(third["access_token"])  # the family's live access token is revoked too
    r = client.post("/api/auth/refresh", json={"refresh_token": third["refresh_token"]})
    assert r.status_code == 401


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "x" * 5000])
def test_refresh_with_a_bad_token_is_4xx(client, token):
    r = client.post("/api/auth/refresh", json={"refresh_token": token})
    assert r.status_code in (401, 422)


def test_an_access_token_cannot_be_used_to_refresh(client):
    r = client.post("/api/auth/refresh", json={"refresh_token": register(client).json["access_token"]})
    assert r.status_code == 401 and r.json["error"] == "INVALID_TOKEN"


def test_logout_revokes_the_access_token_and_the_refresh_token(client, verifier):
    pair = register(client).json
    assert verifier.identity(pair["access_token"])
    r = client.post(
        "/api/auth/logout",
        json={"refresh_token": pair["refresh_token"]},
        headers={"Authorization": f"Bearer {pair['access_token']}"},
    )
    assert r.status_code == 204
    with pytest.raises(Unauthorized) as e:
        verifier.identity(pair["access_token"])
    assert e.value.code == "TOKEN_REVOKED"
    again = client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert again.status_code == 401 and again.json["error"] == "TOKEN_REVOKED"


def test_signing_out_everywhere_ends_every_session_of_the_account_and_no_one_elses(client, verifier):
    address = email()
    first = register(client, address).json
    login = {"email": address, "password": "secret-pass-1"}
    second = client.post("/api/auth/login", json=login).json
    # The second device refreshes once: its newest pair is what must end.
    second = client.post("/api/auth/refresh", json={"refresh_token": second["refresh_token"]}).json
    other = register(client).json
    r = client.post("/api/auth/logout-everywhere", headers={"Authorization": f"Bearer {first['access_token']}"})
    assert r.status_code == 204
    for pair in (first, second):
        again = client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]})
        assert again.status_code == 401 and again.json["error"] == "TOKEN_REVOKED"
        with pytest.raises(Unauthorized) as e:
            verifier.identity(pair["access_token"])
        assert e.value.code == "TOKEN_REVOKED"
    assert verifier.identity(other["access_token"])  # another account's session goes on
    assert client.post("/api/auth/refresh", json={"refresh_token": other["refresh_token"]}).status_code == 200
    fresh = client.post("/api/auth/login", json=login).json  # and the account can sign in again
    assert client.post("/api/auth/refresh", json={"refresh_token": fresh["refresh_token"]}).status_code == 200


def test_changing_the_password_needs_the_current_one_and_ends_every_other_session(client, verifier):
    address = email()
    mine = register(client, address).json
    other = client.post("/api/auth/login", json={"email": address, "password": "secret-pass-1"}).json
    me = {"Authorization": f"Bearer {mine['access_token']}"}
    wrong = client.post(
        "/api/auth/password", headers=me, json={"current_password": "nope-nope", "new_password": "x" * 9}
    )
    assert wrong.status_code == 403 and wrong.json["details"]["fields"] == {
        "current_password": "That is not your current password."
    }
    for bad in (
        {"current_password": "secret-pass-1", "new_password": "short"},
        {"current_password": {"$ne": ""}, "new_password": "long-enough-1"},
        {"current_password": "secret-pass-1", "new_password": "n" * 129},
        {"current_password": "secret-pass-1"},
        {"current_password": "secret-pass-1", "new_password": "long-enough-1", "role": "admin"},
    ):
        assert client.post("/api/auth/password", headers=me, json=bad).status_code == 422, bad
    assert client.post("/api/auth/password", json={"current_password": "a", "new_password": "b" * 8}).status_code == 401

    r = client.post(
        "/api/auth/password", headers=me, json={"current_password": "secret-pass-1", "new_password": "new-pass-22"}
    )
    assert r.status_code == 200 and verifier.identity(r.json["access_token"])  # this device: a new session
    for pair in (mine, other):  # every session before the change has ended
        assert client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    old = client.post("/api/auth/login", json={"email": address, "password": "secret-pass-1"})
    assert old.status_code == 401
    assert client.post("/api/auth/login", json={"email": address, "password": "new-pass-22"}).status_code == 200


def test_guessing_the_current_password_meets_a_limit(client):
    me = {"Authorization": f"Bearer {register(client).json['access_token']}"}
    wrong = {"current_password": "guess-guess", "new_password": "long-enough-1"}
    codes = [client.post("/api/auth/password", headers=me, json=wrong).status_code for _ in range(11)]
    assert codes[:10] == [403] * 10 and codes[10] == 429


def test_signing_out_everywhere_needs_a_signed_in_caller(client):
    assert client.post("/api/auth/logout-everywhere").status_code == 401
    assert client.post("/api/auth/logout-everywhere", headers={"Authorization": "Bearer garbage"}).status_code == 401


def test_logout_without_tokens_or_with_foreign_ones_is_harmless(client):
    assert client.post("/api/auth/logout").status_code == 204
    assert (
        client.post(
            "/api/auth/logout", json={"refresh_token": "garbage"}, headers={"Authorization": "Bearer garbage"}
        ).status_code
        == 204
    )
    assert client.post("/api/auth/logout", json={"refresh_token": {"$ne": 1}}).status_code == 422


def test_the_jwks_publishes_the_signing_key_under_its_kid(client, app):
    r = client.get("/api/auth/jwks")
    [key] = r.json["keys"]
    assert key["kid"] == auth_deps(app).key.kid and key["alg"] == "RS256" and "d" not in key
    assert r.cache_control.max_age == 300


def test_the_admin_from_the_environment_exists_with_the_admin_role(client, app):
    r = client.post("/api/auth/login", json={"email": ADMIN["email"], "password": ADMIN["password"]})
    assert r.status_code == 200 and claims(app, r.json["access_token"])["role"] == "admin"


def test_a_restart_with_a_new_admin_password_takes_the_new_one(app):
    from services.auth import service

    repo, passwords = auth_deps(app).repo, auth_deps(app).passwords
    service.ensure_admin(repo, passwords, ADMIN["email"], "rotated-password-2")
    service.ensure_admin(repo, passwords, ADMIN["email"], "rotated-password-2")  # idempotent
    c = app.test_client()
    r = c.post("/api/auth/login", json={"email": ADMIN["email"], "password": "rotated-password-2"})
    assert r.status_code == 200
    assert repo.accounts.count_documents({"email": ADMIN["email"].lower()}) == 1
    service.ensure_admin(repo, passwords, ADMIN["email"], ADMIN["password"])


def test_the_openapi_document_describes_the_auth_bodies(client):
    doc = client.get("/openapi.json").json
    paths = doc["paths"]
    assert {"/api/auth/register", "/api/auth/login", "/api/auth/refresh", "/api/auth/logout", "/api/auth/jwks"} <= set(
        paths
    )
    ref = paths["/api/auth/register"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(schema["required"]) == {"email", "password", "name"}


def test_parallel_refreshes_of_one_session_all_get_the_same_new_session(app, client, verifier):
    """Issue 19.3: a page, the mini-cart and an htmx add sent at once with one expired access token each trade
    the same refresh token; none of them may come back signed out."""
    first = register(client).json
    with serving(app) as base, ThreadPoolExecutor(5) as pool:
        answers = list(
            pool.map(
                lambda _: requests.post(
                    f"{base}/api/auth/refresh", json={"refresh_token": first["refresh_token"]}, timeout=10
                ),
                range(5),
            )
        )
    assert [r.status_code for r in answers] == [200] * 5
    assert len({claims(app, r.json()["refresh_token"])["jti"] for r in answers}) == 1
    for r in answers:
        assert verifier.identity(r.json()["access_token"]).user_id == first["user"]["id"]
    # Still one session: its next refresh works, and signing it out ends every answer's access token.
    nxt = client.post("/api/auth/refresh", json={"refresh_token": answers[0].json()["refresh_token"]})
    assert nxt.status_code == 200
    client.post("/api/auth/logout", json={"refresh_token": nxt.json["refresh_token"]})
    with pytest.raises(Unauthorized):
        verifier.identity(nxt.json["access_token"])
