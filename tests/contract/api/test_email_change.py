"""Changing the account's email: the current password and a free address ask for it; a single-use link to the new
address makes the change (account.email_changed); the old address is emailed a single-use undo link, which puts the
old address back and ends every session."""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from common.clock import now
from common.messaging.events import Event
from devstack.smtp_sink import read_messages
from services.auth.deps import deps as auth_deps
from tests.support.auth_links import client_of_its_own, link_fixtures
from tests.support.polling import wait_until

CONFIRM = re.compile(r"https://shop\.example/confirm-email-change/([A-Za-z0-9_-]{40,})")
UNDO = re.compile(r"https://shop\.example/undo-email-change/([A-Za-z0-9_-]{40,})")


app, mailer, client = link_fixtures()


def address(who: str = "ada") -> str:
    return f"{who}-{uuid.uuid4().hex}@example.com"


def account(client, email: str | None = None) -> dict:
    email = email or address()
    r = client.post("/api/auth/register", json={"email": email, "password": "first-pass-1", "name": "Ada"})
    assert r.status_code == 201
    return {"email": email, **r.json}


def bearer(who: dict) -> dict:
    return {"Authorization": f"Bearer {who['access_token']}"}


def ask(client, who: dict, new_email: str, password: str = "first-pass-1"):
    body = {"new_email": new_email, "current_password": password}
    return client.post("/api/auth/email/change", json=body, headers=bearer(who))


def mailed(smtp_sink, to: str, subject: str, link: re.Pattern, count: int = 1) -> list[str]:
    def arrived():
        found = [m for m in read_messages(smtp_sink.dir, to=to) if m["subject"] == subject]
        return len(found) >= count and found

    return [link.search(m["body"]).group(1) for m in wait_until(arrived, interval=0.1, message=subject)]  # type: ignore[union-attr]


def deliver(app, mailer, collection: str, topic: str) -> list[dict]:
    """Hand every event of `topic` still in the collection's outbox to the notifications handlers (a redelivered
    one sends nothing more); their data, oldest first."""
    source = getattr(auth_deps(app), "resets" if collection == "links" else "repo")
    docs = source.resets if collection == "links" else source.accounts
    data = []
    for doc in docs.find({"_outbox.0": {"$exists": True}}):
        for entry in doc["_outbox"]:
            if entry["type"] == topic:
                mailer[topic](Event(**entry))
                data.append(entry["data"])
    return data


def confirm_link(app, mailer, smtp_sink, new_email: str, count: int = 1) -> list[str]:
    deliver(app, mailer, "links", "account.email_change_requested")
    return mailed(smtp_sink, new_email, "Confirm your new email for Fragmart", CONFIRM, count)


def undo_link(app, mailer, smtp_sink, old_email: str) -> str:
    deliver(app, mailer, "accounts", "account.email_changed")
    [token] = mailed(smtp_sink, old_email, "Your Fragmart email address was changed", UNDO)
    return token


def changes(app, user_id: str) -> list[dict]:
    doc = auth_deps(app).repo.accounts.find_one({"_id": user_id})
    return [e["data"] for e in doc.get("_outbox", []) if e["type"] == "account.email_changed"]


def login(client, email: str) -> int:
    return client.post("/api/auth/login", json={"email": email, "password": "first-pass-1"}).status_code


def test_the_new_address_confirms_the_change_once_and_the_old_one_is_told_with_an_undo_link(
    app, mailer, smtp_sink, client
):
    ada, new = account(client), address("ada-new")
    asked = ask(client, ada, new.upper())
    assert asked.status_code == 202 and asked.json["new_email"] == new and new in asked.json["message"]
    [token] = confirm_link(app, mailer, smtp_sink, new)
    stored = auth_deps(app).resets.resets.find_one({"user_id": ada["user"]["id"], "purpose": "email_change"})
    assert stored["_id"] != token and token not in str({k: v for k, v in stored.items() if k != "_outbox"})
    assert login(client, new) == 401 and changes(app, ada["user"]["id"]) == []  # nothing changes before the link
    done = client.post("/api/auth/email/change/confirm", json={"token": token})
    assert done.status_code == 200 and done.json == {"email": new, "email_verified": True}
    again = client.post("/api/auth/email/change/confirm", json={"token": token})
    assert again.status_code == 404 and again.json["error"] == "EMAIL_CHANGE_LINK_INVALID"
    assert login(client, new) == 200 and login(client, ada["email"]) == 401
    [changed] = changes(app, ada["user"]["id"])
    assert {k: changed[k] for k in ("user_id", "old_email", "new_email", "email_verified", "version")} == {
        "user_id": ada["user"]["id"],
        "old_email": ada["email"],
        "new_email": new,
        "email_verified": True,
        "version": 1,
    }
    doc = auth_deps(app).repo.accounts.find_one({"_id": ada["user"]["id"]})
    verified = [e["data"] for e in doc["_outbox"] if e["type"] == "account.email_verified"]
    assert verified == [{"user_id": ada["user"]["id"], "email": new}]  # a guest's orders with it join the account
    undo = undo_link(app, mailer, smtp_sink, ada["email"])
    kept = auth_deps(app).resets.resets.find_one({"purpose": "email_undo", "user_id": ada["user"]["id"]})
    assert changed["undo_url"].endswith(undo) and undo not in str(kept)  # only its hash is kept
    assert client.post("/api/auth/refresh", json={"refresh_token": ada["refresh_token"]}).status_code == 200


def test_undo_from_the_old_address_puts_it_back_and_ends_every_session(app, mailer, smtp_sink, client):
    ada, new = account(client), address("ada-new")
    assert ask(client, ada, new).status_code == 202
    [token] = confirm_link(app, mailer, smtp_sink, new)
    assert client.post("/api/auth/email/change/confirm", json={"token": token}).status_code == 200
    signed_in_as_new = client.post("/api/auth/login", json={"email": new, "password": "first-pass-1"}).json
    undo = undo_link(app, mailer, smtp_sink, ada["email"])
    done = client.post("/api/auth/email/change/undo", json={"token": undo})
    assert done.status_code == 200 and done.json["email"] == ada["email"] and "reset" in done.json["message"]
    for pair in (ada, signed_in_as_new):
        assert client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    assert login(client, ada["email"]) == 200 and login(client, new) == 401
    again = client.post("/api/auth/email/change/undo", json={"token": undo})
    assert again.status_code == 404 and again.json["error"] == "EMAIL_CHANGE_LINK_INVALID"
    first, second = changes(app, ada["user"]["id"])
    assert (second["new_email"], second["undone"], second["version"]) == (ada["email"], True, 2)
    assert second["email_verified"] is False and "undo_url" not in second  # as it was before the change


def test_undo_wins_over_a_second_change_made_meanwhile_and_spends_its_links(app, mailer, smtp_sink, client):
    """Whoever changed the address may change it again, so that the next undo link goes to them: the first undo
    link still puts the owner's address back, and the links of the second change are spent."""
    ada, taken, then = account(client), address("thief"), address("thief-again")
    assert ask(client, ada, taken).status_code == 202
    [token] = confirm_link(app, mailer, smtp_sink, taken)
    assert client.post("/api/auth/email/change/confirm", json={"token": token}).status_code == 200
    owners_undo = undo_link(app, mailer, smtp_sink, ada["email"])
    thief = client.post("/api/auth/login", json={"email": taken, "password": "first-pass-1"}).json
    assert ask(client, thief, then).status_code == 202
    [second] = confirm_link(app, mailer, smtp_sink, then)
    assert client.post("/api/auth/email/change/confirm", json={"token": second}).status_code == 200
    thiefs_undo = undo_link(app, mailer, smtp_sink, taken)
    assert client.post("/api/auth/email/change/undo", json={"token": owners_undo}).status_code == 200
    assert login(client, ada["email"]) == 200
    assert client.post("/api/auth/email/change/undo", json={"token": thiefs_undo}).status_code == 404
    assert login(client, ada["email"]) == 200 and login(client, taken) == 401 and login(client, then) == 401


def test_the_request_is_refused_beside_the_field_for_a_wrong_password_the_same_or_a_taken_address(client):
    ada, grace = account(client), account(client)
    wrong = ask(client, ada, address(), password="not-my-password")
    assert wrong.status_code == 403 and wrong.json["error"] == "WRONG_PASSWORD"
    assert wrong.json["details"]["fields"] == {"current_password": "That is not your current password."}
    same = ask(client, ada, ada["email"].upper())
    assert (
        same.status_code == 409 and same.json["error"] == "SAME_EMAIL" and "new_email" in same.json["details"]["fields"]
    )
    taken = ask(client, ada, grace["email"])
    assert taken.status_code == 409 and taken.json["error"] == "EMAIL_TAKEN"
    assert taken.json["details"]["fields"] == {"new_email": "Another account uses this email address."}
    signed_out = client.post("/api/auth/email/change", json={"new_email": address(), "current_password": "x"})
    assert signed_out.status_code == 401 and signed_out.is_json


def test_asking_too_often_is_limited(client):
    ada = account(client)
    codes = [ask(client, ada, address()).status_code for _ in range(6)]
    assert codes == [202] * 5 + [429]


def test_an_address_taken_between_the_request_and_the_link_is_a_409(app, mailer, smtp_sink, client):
    ada, new = account(client), address("ada-new")
    assert ask(client, ada, new).status_code == 202
    [token] = confirm_link(app, mailer, smtp_sink, new)
    account(client, new)
    r = client.post("/api/auth/email/change/confirm", json={"token": token})
    assert r.status_code == 409 and r.json["error"] == "EMAIL_TAKEN"
    assert login(client, ada["email"]) == 200


def test_a_confirmation_link_older_than_a_day_is_refused(app, mailer, smtp_sink, client):
    ada, new = account(client), address("ada-new")
    assert ask(client, ada, new).status_code == 202
    [token] = confirm_link(app, mailer, smtp_sink, new)
    links = auth_deps(app).resets.resets
    links.update_one(
        {"user_id": ada["user"]["id"], "purpose": "email_change"},
        {"$set": {"expires_at": now() - timedelta(seconds=1)}},
    )
    assert client.post("/api/auth/email/change/confirm", json={"token": token}).status_code == 404


@pytest.mark.parametrize("kind", ["confirm", "undo"])
def test_two_clicks_at_once_on_one_link_succeed_once(app, mailer, smtp_sink, client, kind):
    ada, new = account(client), address("ada-new")
    assert ask(client, ada, new).status_code == 202
    [token] = confirm_link(app, mailer, smtp_sink, new)
    if kind == "undo":
        assert client.post("/api/auth/email/change/confirm", json={"token": token}).status_code == 200
        token = undo_link(app, mailer, smtp_sink, ada["email"])

    def click(_):
        return client_of_its_own(app).post(f"/api/auth/email/change/{kind}", json={"token": token}).status_code

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(click, range(2))) == [200, 404]
    assert len(changes(app, ada["user"]["id"])) == (1 if kind == "confirm" else 2)


@pytest.mark.parametrize(
    "body",
    [
        {"new_email": {"$ne": None}, "current_password": "first-pass-1"},
        {"new_email": "a@example.com", "current_password": {"$gt": ""}},
        {"new_email": ["a@example.com"], "current_password": "first-pass-1"},
        {"new_email": "a@example.com", "current_password": 12345678},
        {"new_email": "<script>alert(1)</script>@example.com", "current_password": "first-pass-1"},
        {"new_email": "a" * 300 + "@example.com", "current_password": "first-pass-1"},
        {"new_email": "a@example.com"},
        {"new_email": "a@example.com", "current_password": "first-pass-1", "role": "admin"},
        [],
    ],
    ids=["operator", "password operator", "list", "wrong type", "xss", "too long", "missing", "extra field", "array"],
)
def test_a_bad_request_body_is_a_4xx_json_error(client, body):
    ada = account(client)
    r = client.post("/api/auth/email/change", json=body, headers=bearer(ada))
    assert r.status_code in (400, 422) and r.is_json and r.json["error"] and "<script>" not in r.get_data(as_text=True)
    assert login(client, ada["email"]) == 200


@pytest.mark.parametrize("kind", ["confirm", "undo"])
@pytest.mark.parametrize(
    "body",
    [
        {"token": {"$ne": None}},
        {"token": "x" * 43},
        {"token": "short"},
        {"token": "<script>alert(1)</script>" + "a" * 20},
        {"token": 12345678901234567890123},
        {"token": "a" * 5000},
        {},
        {"token": "a" * 43, "extra": 1},
    ],
    ids=["operator", "unknown", "short", "xss", "wrong type", "too long", "missing", "extra field"],
)
def test_a_wrong_link_is_a_clear_4xx_and_changes_nothing(client, kind, body):
    r = client.post(f"/api/auth/email/change/{kind}", json=body)
    assert r.status_code in (404, 422) and r.is_json and r.json["error"] and "<script>" not in r.get_data(as_text=True)


@pytest.mark.parametrize("path", ["", "/confirm", "/undo"])
def test_an_oversized_or_broken_body_is_a_4xx_json_error_before_parsing(client, path):
    ada = account(client)
    big = client.post(f"/api/auth/email/change{path}", json={"token": "p" * 100_000}, headers=bearer(ada))
    assert big.status_code == 413 and big.is_json
    broken = client.post(
        f"/api/auth/email/change{path}", data="{", content_type="application/json", headers=bearer(ada)
    )
    assert broken.status_code == 400 and broken.json["error"] == "INVALID_JSON"
