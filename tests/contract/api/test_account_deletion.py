"""Deleting one's account: the password, then one write that anonymises the account and carries account.deleted;
every session ends and the email no longer signs in. A wrong password is 403, the last admin 409, bad bodies 4xx."""

from __future__ import annotations

import uuid

import pytest

import services.auth
from services.auth.deps import deps as auth_deps
from tests.support.auth_links import SHOP_URL, client_of_its_own

ADMIN = {"email": "admin@example.com", "password": "admin-password-1"}
DELETE = "/api/auth/account/delete"


@pytest.fixture(scope="module")
def app(redis_url, tmp_path_factory):
    config = {"redis_url": redis_url, "run_workers": False, "keys_dir": str(tmp_path_factory.mktemp("keys"))}
    config |= {"shop_url": SHOP_URL, "admin_email": ADMIN["email"], "admin_password": ADMIN["password"]}
    return services.auth.create_app(config)


@pytest.fixture()
def client(app):
    return client_of_its_own(app)


def account(client) -> dict:
    email = f"ada-{uuid.uuid4().hex}@example.com"
    r = client.post("/api/auth/register", json={"email": email, "password": "first-pass-1", "name": "Ada"})
    assert r.status_code == 201
    return {"email": email, **r.json}


def bearer(who: dict) -> dict:
    return {"Authorization": f"Bearer {who['access_token']}"}


def delete(client, who: dict, password: str = "first-pass-1"):
    return client.post(DELETE, json={"password": password}, headers=bearer(who))


def stored(app, user_id: str) -> dict:
    return auth_deps(app).repo.accounts.find_one({"_id": user_id})


def test_a_deleted_account_keeps_nothing_personal_and_announces_only_its_id(app, client):
    who = account(client)
    assert delete(client, who).status_code == 204
    doc = stored(app, who["user"]["id"])
    kept = str({k: v for k, v in doc.items() if k != "_outbox"})  # events not yet relayed still leave as written
    assert who["email"] not in kept and "Ada" not in kept
    assert doc["password_hash"] is None and doc["deleted_at"] is not None
    [deleted] = [e for e in doc["_outbox"] if e["type"] == "account.deleted"]
    assert set(deleted["data"]) == {"user_id", "deleted_at"} and deleted["data"]["user_id"] == who["user"]["id"]


def test_after_deletion_no_session_works_and_the_email_no_longer_signs_in(client):
    who = account(client)
    assert delete(client, who).status_code == 204
    assert client.post("/api/auth/refresh", json={"refresh_token": who["refresh_token"]}).status_code == 401
    assert client.post("/api/auth/logout-everywhere", headers=bearer(who)).status_code == 401
    r = client.post("/api/auth/login", json={"email": who["email"], "password": "first-pass-1"})
    assert r.status_code == 401 and r.json["error"] == "INVALID_CREDENTIALS"


def test_the_address_of_a_deleted_account_can_register_again(client):
    who = account(client)
    assert delete(client, who).status_code == 204
    r = client.post("/api/auth/register", json={"email": who["email"], "password": "second-pass-1", "name": "Ada"})
    assert r.status_code == 201 and r.json["user"]["id"] != who["user"]["id"]


def test_a_wrong_password_is_403_beside_the_field_and_deletes_nothing(app, client):
    who = account(client)
    r = delete(client, who, "not-my-password")
    assert r.status_code == 403 and r.json["error"] == "WRONG_PASSWORD"
    assert r.json["details"]["fields"]["password"] == "That is not your password."
    assert stored(app, who["user"]["id"])["email"] == who["email"]
    assert client.post("/api/auth/login", json={"email": who["email"], "password": "first-pass-1"}).status_code == 200


def test_the_same_request_twice_deletes_once_then_the_session_is_gone(app, client):
    who = account(client)
    assert delete(client, who).status_code == 204
    r = delete(client, who)
    assert r.status_code == 401
    events = [e for e in stored(app, who["user"]["id"])["_outbox"] if e["type"] == "account.deleted"]
    assert len(events) == 1


def test_wrong_passwords_meet_the_change_password_budget(client):
    who = account(client)
    answers = [delete(client, who, f"wrong-{n}").status_code for n in range(11)]
    assert answers[:10] == [403] * 10 and answers[10] == 429
    assert delete(client, who).status_code == 429  # the right one waits too: guessing cannot continue behind it


def test_the_last_admin_cannot_delete_itself_but_one_of_two_can(app, client):
    admin = client.post("/api/auth/login", json=ADMIN).json
    r = delete(client, admin, ADMIN["password"])
    assert r.status_code == 409 and r.json["error"] == "LAST_ADMIN" and "password" in r.json["details"]["fields"]
    other = account(client)
    made = client.put(f"/api/auth/accounts/{other['user']['id']}/role", json={"role": "admin"}, headers=bearer(admin))
    assert made.status_code == 200
    other = {**other, **client.post("/api/auth/login", json={"email": other["email"], "password": "first-pass-1"}).json}
    assert delete(client, other).status_code == 204
    assert auth_deps(app).roles.admins() == 1
    assert delete(client, admin, ADMIN["password"]).json["error"] == "LAST_ADMIN"


@pytest.mark.parametrize(
    "body",
    [
        {"password": {"$ne": "x"}},
        {"password": 12345678},
        {"password": None},
        {"password": ["first-pass-1"]},
        {},
        {"password": "first-pass-1", "role": "admin"},
        {"password": ""},
        {"password": "x" * 129},
    ],
    ids=["operator", "number", "null", "list", "missing", "extra field", "empty", "too long"],
)
def test_a_malformed_body_is_a_clear_422_and_deletes_nothing(app, client, body):
    who = account(client)
    r = client.post(DELETE, json=body, headers=bearer(who))
    assert r.status_code == 422 and r.is_json and r.json["error"], r.json
    assert stored(app, who["user"]["id"])["email"] == who["email"]


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(b"[", "application/json"), (b'"x"', "application/json"), (b"password=x", "application/x-www-form-urlencoded")]
    + [(b'{"password": "' + b"x" * (1 << 20) + b'"}', "application/json")],
    ids=["truncated", "a string", "a form", "1 MB"],
)
def test_a_body_that_is_not_the_json_object_is_a_4xx_json_answer(client, data, content_type):
    who = account(client)
    r = client.post(DELETE, data=data, content_type=content_type, headers=bearer(who))
    assert 400 <= r.status_code < 500 and r.is_json and r.json["error"]


def test_markup_as_a_password_is_just_a_wrong_password(client):
    who = account(client)
    r = delete(client, who, "<script>alert(1)</script>")
    assert r.status_code == 403 and "<script>" not in r.get_data(as_text=True)


def test_without_a_token_it_is_401(client):
    r = client.post(DELETE, json={"password": "first-pass-1"})
    assert r.status_code == 401 and r.json["error"] == "AUTH_REQUIRED"
