"""Email verification: a new account gets a "Confirm your email" link (single use, 7 days); confirming it marks the
address confirmed and announces account.email_verified; "Send again" sends a fresh one until it is confirmed."""

from __future__ import annotations

import re
import uuid

import pytest

from common.messaging.events import Event
from devstack.smtp_sink import read_messages
from services.auth.deps import deps as auth_deps
from tests.support.auth_links import link_fixtures
from tests.support.polling import wait_until

LINK = re.compile(r"https://shop\.example/verify-email/([A-Za-z0-9_-]{40,})")


app, mailer, client = link_fixtures()


def account(client) -> dict:
    address = f"grace-{uuid.uuid4().hex}@example.com"
    r = client.post("/api/auth/register", json={"email": address, "password": "first-pass-1", "name": "Grace"})
    assert r.status_code == 201
    return {"email": address, **r.json}


def bearer(who: dict) -> dict:
    return {"Authorization": f"Bearer {who['access_token']}"}


def links(app, mailer, smtp_sink, address: str) -> list[str]:
    """Every confirmation link this address was emailed: the auth service's outbox events, handed to notifications."""
    for doc in auth_deps(app).resets.resets.find({"_outbox.0": {"$exists": True}}):
        for entry in doc["_outbox"]:
            if entry["type"] == "account.verify_email" and entry["data"]["email"] == address:
                mailer[entry["type"]](Event(**entry))
    mails = wait_until(lambda: read_messages(smtp_sink.dir, to=address), interval=0.1, message="the email")
    assert {m["subject"] for m in mails} == {"Confirm your email for Fragmart"}
    return [LINK.search(m["body"]).group(1) for m in mails]  # type: ignore[union-attr]


def announced(app, user_id: str) -> list[dict]:
    doc = auth_deps(app).repo.accounts.find_one({"_id": user_id})
    return [e["data"] for e in doc.get("_outbox", []) if e["type"] == "account.email_verified"]


def test_a_new_account_confirms_its_email_once_with_the_emailed_link(app, mailer, smtp_sink, client):
    grace = account(client)
    [token] = links(app, mailer, smtp_sink, grace["email"])
    stored = auth_deps(app).resets.resets.find_one(
        {"user_id": grace["user"]["id"], "purpose": "verify"}, {"_outbox": 0}
    )  # the outbox holds the email's event until the relay has sent it on
    assert stored["_id"] != token and token not in str(stored)  # only the token's hash is kept
    assert announced(app, grace["user"]["id"]) == []
    r = client.post("/api/auth/email/verify", json={"token": token})
    assert r.status_code == 200 and r.json == {"email": grace["email"], "email_verified": True}
    assert announced(app, grace["user"]["id"]) == [{"user_id": grace["user"]["id"], "email": grace["email"]}]
    again = client.post("/api/auth/email/verify", json={"token": token})
    assert again.status_code == 404 and again.json["error"] == "VERIFY_LINK_INVALID"
    assert len(announced(app, grace["user"]["id"])) == 1
    sent = client.post("/api/auth/email/verify/resend", headers=bearer(grace))
    assert sent.status_code == 409 and sent.json["error"] == "EMAIL_VERIFIED"


def test_send_again_mails_a_fresh_link_and_either_link_confirms_but_only_once(app, mailer, smtp_sink, client):
    grace = account(client)
    assert client.post("/api/auth/email/verify/resend").status_code == 401
    assert client.post("/api/auth/email/verify/resend", headers=bearer(grace)).status_code == 202
    first, second = links(app, mailer, smtp_sink, grace["email"])
    assert first != second
    assert client.post("/api/auth/email/verify", json={"token": second}).status_code == 200
    assert client.post("/api/auth/email/verify", json={"token": first}).status_code == 200  # still its own link
    assert len(announced(app, grace["user"]["id"])) == 2  # a replay of the fact: its consumers apply it once


def test_a_reset_link_does_not_confirm_an_email_nor_a_confirmation_link_reset_a_password(
    app, mailer, smtp_sink, client
):
    grace = account(client)
    [token] = links(app, mailer, smtp_sink, grace["email"])
    r = client.post("/api/auth/password/reset", json={"token": token, "new_password": "second-pass-2"})
    assert r.status_code == 404 and r.json["error"] == "RESET_LINK_INVALID"
    assert client.post("/api/auth/password/reset/check", json={"token": token}).status_code == 404
    assert client.post("/api/auth/email/verify", json={"token": token}).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"token": "x" * 43},
        {"token": "short"},
        {"token": {"$ne": None}},
        {"token": "<script>alert(1)</script>" + "a" * 20},
        {"token": 12345678901234567890123},
        {},
        {"token": "a" * 43, "extra": 1},
    ],
)
def test_a_wrong_link_is_a_clear_4xx_and_confirms_nothing(app, client, body):
    r = client.post("/api/auth/email/verify", json=body)
    assert r.status_code in (404, 422) and r.is_json and r.json["error"]
