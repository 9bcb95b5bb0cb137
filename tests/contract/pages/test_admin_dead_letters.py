"""The dead-letter API (notifications, through the gateway) and page: admins only, listed, discarded once.
Replay needs the broker: tests/integration/test_dead_letters.py and the browser test cover it."""

from __future__ import annotations

import json
import uuid

import pytest
import requests

from services.notifications.dead_letters import letter_id
from services.notifications.deps import deps as notifications_deps
from tests.support.accounts_apps import new_user
from tests.support.admin_apps import CSRF, back_office_fixture, browser, deliver_admin_actions

office = back_office_fixture()


@pytest.fixture()
def admin_client(office):
    return browser(office.admin_app, office.admin_token)


def dead_letter(office, error="ValueError('boom')", raw=None, offset=None, at=1_700_000_000_000) -> str:
    store = notifications_deps(office.apps["notifications"]).dead_letters
    event_id = uuid.uuid4().hex
    raw = raw or json.dumps({"event_id": event_id, "type": "product.changed", "data": {}}).encode()
    offset = uuid.uuid4().int % 10**9 if offset is None else offset
    store.store("product.changed.dlq", 0, offset, at, raw, [("error", error.encode())])
    store.store("product.changed.dlq", 0, offset, at, raw, [("error", error.encode())])  # read again: kept once
    return letter_id("product.changed.dlq", 0, offset, at)


def call(office, method, path, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, f"{office.gateway}/api/events/dead-letters{path}", headers=headers, timeout=5)


def test_waiting_letters_are_listed_with_their_error_once(office):
    letter = dead_letter(office)
    items = call(office, "GET", "", office.admin_token).json()["items"]
    assert [d["error"] for d in items if d["id"] == letter] == ["ValueError('boom')"]
    assert items[0]["topic"] == "product.changed" and "raw" not in items[0]


def test_a_letter_of_a_re_created_topic_at_a_used_offset_is_kept_too(office):
    offset = uuid.uuid4().int % 10**9
    first = dead_letter(office, error="first generation", offset=offset, at=1_700_000_000_000)
    second = dead_letter(office, error="after the broker restart", offset=offset, at=1_700_000_900_000)
    items = call(office, "GET", "?per_page=100", office.admin_token).json()["items"]
    assert first != second
    assert {d["error"] for d in items if d["id"] in (first, second)} == {"first generation", "after the broker restart"}


def test_the_dead_letter_api_refuses_a_guest_and_a_customer(office):
    letter, customer = dead_letter(office), new_user(office.gateway)["access_token"]
    for method, path in (("GET", ""), ("POST", f"/{letter}/replay"), ("POST", f"/{letter}/discard")):
        assert call(office, method, path).status_code == 401
        assert call(office, method, path, customer).status_code == 403


def test_replay_and_discard_are_audited_by_the_notifications_service(office):
    letter = dead_letter(office)
    assert call(office, "POST", f"/{letter}/discard", office.admin_token).status_code == 200
    deliver_admin_actions(office)
    r = requests.get(
        f"{office.gateway}/api/audit",
        params={"subject_type": "event", "subject_id": letter},
        headers={"Authorization": f"Bearer {office.admin_token}"},
        timeout=5,
    )
    assert [(i["action"], i["before"], i["after"]) for i in r.json()["items"]] == [
        ("event.discard", {"status": "waiting"}, {"status": "discarded"})
    ]


def test_a_letter_is_discarded_once(office):
    letter = dead_letter(office)
    assert call(office, "POST", f"/{letter}/discard", office.admin_token).json()["status"] == "discarded"
    again = call(office, "POST", f"/{letter}/discard", office.admin_token)
    assert again.status_code == 409 and again.json()["error"] == "DEAD_LETTER_HANDLED"
    assert call(office, "POST", f"/{letter}/replay", office.admin_token).status_code == 409


@pytest.mark.parametrize("bad", ["nope", "0" * 32, "$ne"])
def test_an_unknown_letter_is_404(office, bad):
    assert call(office, "POST", f"/{bad}/replay", office.admin_token).status_code == 404


@pytest.mark.parametrize("query", ["status=lost", "status=%24ne", "page=0", "per_page=1000"])
def test_bad_queries_are_422(office, query):
    assert call(office, "GET", f"?{query}", office.admin_token).status_code == 422


def test_an_operator_in_a_query_key_is_an_unknown_parameter(office):
    r = call(office, "GET", "?status[$ne]=x", office.admin_token)
    assert r.status_code == 200 and all(d["status"] == "waiting" for d in r.json()["items"])


def test_the_page_shows_replay_and_discard_and_markup_in_a_message_as_text(office, admin_client):
    dead_letter(office, error="<img src=x onerror=alert(1)>", raw=b"<script>alert(1)</script>")
    html = admin_client.get("/events").get_data(as_text=True)
    assert "Replay" in html and "Discard" in html and "product.changed" in html
    assert "<img src=x" not in html and "<script>alert" not in html


def test_discarding_on_the_page_returns_to_the_list_with_a_message(office, admin_client):
    letter = dead_letter(office)
    r = admin_client.post(f"/events/{letter}/discard", data={"csrf_token": CSRF})
    assert r.status_code == 303 and r.headers["Location"] == "/admin/events?done=discard"
    assert "Dead letter discarded." in admin_client.get("/events?done=discard").get_data(as_text=True)
    r = admin_client.post(f"/events/{letter}/discard", data={"csrf_token": CSRF})
    assert r.status_code == 409 and "already replayed or discarded" in r.get_data(as_text=True)
