"""Outbound webhooks: signed as Standard Webhooks, retried under the same id, disabled after a day, SSRF refused."""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from flask import Flask, redirect, request
from standardwebhooks import Webhook

import services.notifications
from common.messaging.events import make_event
from devstack.smtp_sink import read_messages
from devstack.topics import ALL
from services.notifications.deps import deps as notifications_deps
from services.notifications.webhook_alerts import alerter
from services.notifications.webhook_handlers import handlers
from services.notifications.webhook_sender import deliver_due, post_signed
from services.notifications.webhooks import EVENT_TYPES
from tests.support.servers import serving

ADMIN_EMAIL = "owner@example.test"


class MovableClock:
    """The sender's clock, moved by the test: a day of retries in no time."""

    def __init__(self):
        self.start = self.at = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.at

    def move(self, **delta) -> None:
        self.at += timedelta(**delta)


class Receiver:
    """A real HTTP receiver: records each request and answers the next status of `answers` (the last repeats)."""

    def __init__(self, *answers: int):
        self.answers, self.got, self.elsewhere = list(answers) or [200], list[dict](), ""
        self.app = Flask(__name__)
        self.app.add_url_rule("/hook", "hook", self.hook, methods=["POST"])
        self.app.add_url_rule("/moved", "moved", lambda: redirect(self.elsewhere, 302), methods=["POST"])

    def hook(self):
        self.got.append({"headers": dict(request.headers), "body": request.get_data()})
        status = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return "", status


@pytest.fixture()
def app(service_config, smtp_sink):
    """An app of its own per test: the endpoints of one test never receive another's events."""
    config = service_config(smtp_url=smtp_sink.url, webhooks_allow_private=True, admin_email=ADMIN_EMAIL)
    return services.notifications.create_app(config)


@pytest.fixture()
def clock():
    return MovableClock()


@pytest.fixture()
def hooks(app, clock):
    return replace(notifications_deps(app).webhooks, clock=clock)


@pytest.fixture()
def send(app, hooks):
    """One pass of the sender over what is due by the moved clock."""
    alert = alerter(notifications_deps(app).notifier, ADMIN_EMAIL)
    return lambda h=None: deliver_due(h or hooks, partial(post_signed, timeout=2), alert)


@pytest.fixture()
def receiver():
    r = Receiver()
    with serving(r.app) as url:
        r.url = url
        yield r


def fresh_admin_headers(issuer) -> dict:
    return issuer.headers(uuid.uuid4().hex, role="admin")


def add(app, issuer, url: str, events=("order.confirmed",)):
    return app.test_client().post(
        "/api/webhooks", json={"url": url, "events": list(events)}, headers=fresh_admin_headers(issuer)
    )


def confirmed():
    order = {"order_id": uuid.uuid4().hex, "user_id": uuid.uuid4().hex, "total": 1200, "currency": "USD", "lines": []}
    return make_event("order.confirmed", order, "orders")


def publish(hooks, event) -> None:
    handlers(hooks, lambda: None)[event.type](event)


def test_a_new_endpoint_shows_its_secret_once_and_gets_each_event_signed_for_the_librarys_verifier(
    app, issuer, hooks, send, receiver
):
    created = add(app, issuer, f"{receiver.url}/hook")
    assert created.status_code == 201 and created.json["secret"].startswith("whsec_")
    detail = app.test_client().get(f"/api/webhooks/{created.json['id']}", headers=fresh_admin_headers(issuer))
    assert "secret" not in detail.json and created.json["secret"] not in detail.get_data(as_text=True)
    event = confirmed()
    publish(hooks, event)
    publish(hooks, event)  # the same event redelivered by the broker: still one message
    publish(hooks, make_event("order.shipped", {"order_id": "x"}, "orders"))  # not chosen by this endpoint
    assert send() == 1
    [got] = receiver.got
    payload = Webhook(created.json["secret"]).verify(got["body"], got["headers"])
    assert payload["type"] == "order.confirmed" and payload["data"]["order_id"] == event.data["order_id"]
    assert got["headers"]["Webhook-Id"].startswith("msg_")
    with pytest.raises(Exception, match="signature"):
        Webhook("whsec_" + "A" * 32).verify(got["body"], got["headers"])


def test_a_500_is_retried_after_a_backoff_with_the_same_webhook_id(app, issuer, hooks, clock, send, receiver):
    receiver.answers = [500, 200]
    endpoint = add(app, issuer, f"{receiver.url}/hook").json
    publish(hooks, confirmed())
    assert send() == 1 and send() == 0  # failed; not due again yet
    clock.move(seconds=5)
    assert send() == 1
    first, second = receiver.got
    assert first["headers"]["Webhook-Id"] == second["headers"]["Webhook-Id"]
    Webhook(endpoint["secret"]).verify(second["body"], second["headers"])
    [delivery] = (
        app.test_client().get(f"/api/webhooks/{endpoint['id']}", headers=fresh_admin_headers(issuer)).json["deliveries"]
    )
    assert (delivery["status"], delivery["attempts"], delivery["response_code"]) == ("succeeded", 2, 200)


def test_an_endpoint_failing_for_a_day_is_disabled_and_the_admins_are_emailed(
    app, issuer, hooks, clock, send, receiver, smtp_sink
):
    receiver.answers = [503]
    endpoint = add(app, issuer, f"{receiver.url}/hook").json
    publish(hooks, confirmed())
    waits = []
    while send():
        before = clock.at
        detail = app.test_client().get(f"/api/webhooks/{endpoint['id']}", headers=fresh_admin_headers(issuer)).json
        if not detail["enabled"]:
            break
        clock.at = datetime.fromisoformat(detail["deliveries"][0]["next_at"])
        waits.append(round((clock.at - before).total_seconds()))  # stored to the millisecond
    assert waits[:4] == [5, 10, 20, 40] and max(waits) == 7200  # exponential, then every 2 h
    assert detail["deliveries"][0]["status"] == "failed" and detail["disabled_at"]
    assert clock.at - clock.start >= timedelta(hours=24)
    mails = [m for m in read_messages(smtp_sink.dir, to=ADMIN_EMAIL) if receiver.url in m["body"]]
    assert len(mails) == 1 and "disabled" in mails[0]["subject"]
    publish(hooks, confirmed())  # a disabled endpoint gets nothing new
    clock.move(hours=1)
    assert send() == 0


def test_an_admin_resends_a_delivery_under_the_same_id(app, issuer, hooks, clock, send, receiver):
    endpoint = add(app, issuer, f"{receiver.url}/hook").json
    publish(hooks, confirmed())
    send()
    [delivery] = (
        app.test_client().get(f"/api/webhooks/{endpoint['id']}", headers=fresh_admin_headers(issuer)).json["deliveries"]
    )
    path = f"/api/webhooks/{endpoint['id']}/deliveries/{delivery['id']}/resend"
    assert (
        app.test_client().post(path, headers=fresh_admin_headers(issuer)).status_code == 202
    )  # due at the app's own clock
    clock.move(seconds=1)
    assert send() == 1
    assert [g["headers"]["Webhook-Id"] for g in receiver.got] == [delivery["id"], delivery["id"]]


def test_a_redirect_is_not_followed(app, issuer, hooks, send, receiver):
    target = Receiver()
    with serving(target.app) as elsewhere:
        receiver.elsewhere = f"{elsewhere}/hook"
        endpoint = add(app, issuer, f"{receiver.url}/moved").json
        publish(hooks, confirmed())
        send()
    assert target.got == []
    [delivery] = (
        app.test_client().get(f"/api/webhooks/{endpoint['id']}", headers=fresh_admin_headers(issuer)).json["deliveries"]
    )
    assert (delivery["status"], delivery["response_code"]) == ("pending", 302)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://localhost:9/hook",  # a name that resolves to 127.0.0.1
        "http://[::1]:9/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://172.16.5.5/hook",
        "http://169.254.169.254/latest/meta-data",  # link-local: the cloud metadata service
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_a_private_loopback_or_link_local_receiver_is_refused_at_save(service_config, smtp_sink, issuer, url):
    strict = services.notifications.create_app(service_config(smtp_url=smtp_sink.url))
    r = add(strict, issuer, url)
    assert r.status_code == 422 and "private, loopback or link-local" in r.json["details"]["fields"]["url"]


def test_a_receiver_that_became_private_is_refused_at_delivery(app, issuer, hooks, send, receiver):
    add(app, issuer, f"{receiver.url}/hook")  # saved while private receivers were allowed
    publish(hooks, confirmed())
    strict = replace(hooks, allow_private=False)
    assert send(strict) == 1
    assert receiver.got == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://example.com/x", "events": ["order.placed"]}, "url"),
        ({"url": "http://user:pw@example.com/x", "events": ["order.placed"]}, "url"),
        ({"url": "http://[::1", "events": ["order.placed"]}, "url"),  # urlsplit's ValueError was a 500
        ({"url": "https://example.com/" + "x" * 2000, "events": ["order.placed"]}, "url"),
        ({"url": "https://example.com/x", "events": []}, "events"),
        ({"url": "https://example.com/x", "events": ["order.exploded"]}, "events.0"),
        ({"url": "https://example.com/x", "events": {"$ne": None}}, "events"),
        ({"url": {"$gt": ""}, "events": ["order.placed"]}, "url"),
        ({"url": "https://example.com/x", "events": ["order.placed"], "secret": "mine"}, "secret"),
    ],
)
def test_a_bad_endpoint_is_a_422_naming_the_field(app, issuer, body, field):
    r = app.test_client().post("/api/webhooks", json=body, headers=fresh_admin_headers(issuer))
    assert r.status_code == 422 and field in r.json["details"]["fields"], r.json


def test_only_admins_reach_the_webhook_api(app, issuer):
    customer = issuer.headers(uuid.uuid4().hex)
    assert app.test_client().get("/api/webhooks", headers=customer).status_code == 403
    assert app.test_client().get("/api/webhooks").status_code == 401
    assert app.test_client().get("/api/webhooks/nope", headers=fresh_admin_headers(issuer)).status_code == 404


def test_the_same_form_sent_twice_adds_one_endpoint(app, issuer, receiver):
    headers = {**fresh_admin_headers(issuer), "Idempotency-Key": "form-" + uuid.uuid4().hex}
    body = {"url": f"{receiver.url}/hook", "events": ["stock.low"]}
    first, second = (app.test_client().post("/api/webhooks", json=body, headers=headers) for _ in range(2))
    assert (first.json["id"], first.json["secret"]) == (second.json["id"], second.json["secret"])
    assert len(app.test_client().get("/api/webhooks", headers=fresh_admin_headers(issuer)).json["items"]) == 1
    bad = app.test_client().post(
        "/api/webhooks", json=body, headers={**fresh_admin_headers(issuer), "Idempotency-Key": "$ne"}
    )
    assert bad.status_code == 422


def test_a_receiver_that_times_out_is_retried(app, issuer, hooks, clock):
    slow = Flask(__name__)
    release = threading.Event()

    @slow.post("/hook")
    def hook():
        release.wait(5)  # holds the answer past the sender's timeout; released when the test ends
        return "", 200

    with serving(slow) as url:
        endpoint = add(app, issuer, f"{url}/hook").json
        publish(hooks, confirmed())
        alert = alerter(notifications_deps(app).notifier, ADMIN_EMAIL)
        assert deliver_due(hooks, partial(post_signed, timeout=0.2), alert) == 1
        release.set()
    [delivery] = (
        app.test_client().get(f"/api/webhooks/{endpoint['id']}", headers=fresh_admin_headers(issuer)).json["deliveries"]
    )
    assert delivery["status"] == "pending" and "Timeout" in delivery["error"] and delivery["attempts"] == 1


def test_every_event_type_the_owner_can_choose_is_a_declared_topic_and_arrives_signed(
    app, issuer, hooks, send, receiver
):
    issue = "order.placed order.confirmed order.cancelled order.shipped order.delivered payment.refunded"
    assert set(EVENT_TYPES) == {*issue.split(), "product.changed", "stock.low"}
    assert set(EVENT_TYPES) <= set(ALL)  # each a topic the broker is given and the consumer group can read
    assert set(handlers(hooks, lambda: None)) == set(EVENT_TYPES)
    endpoint = add(app, issuer, f"{receiver.url}/hook", events=EVENT_TYPES).json
    for kind in EVENT_TYPES:
        publish(hooks, make_event(kind, {"order_id": uuid.uuid4().hex, "sku": "FM-KIT-006"}, "t"))
    assert send() == len(EVENT_TYPES)
    verify = Webhook(endpoint["secret"]).verify
    assert sorted(verify(g["body"], g["headers"])["type"] for g in receiver.got) == sorted(EVENT_TYPES)


def test_a_name_that_resolves_to_loopback_is_refused_at_delivery_and_its_receiver_gets_nothing(
    app, issuer, hooks, send, receiver
):
    by_name = receiver.url.replace("127.0.0.1", "localhost")  # a DNS name, resolved again before each attempt
    endpoint = add(app, issuer, f"{by_name}/hook").json  # saved while private receivers were allowed
    publish(hooks, confirmed())
    assert send(replace(hooks, allow_private=False)) == 1
    assert receiver.got == []
    [delivery] = (
        app.test_client().get(f"/api/webhooks/{endpoint['id']}", headers=fresh_admin_headers(issuer)).json["deliveries"]
    )
    assert delivery["status"] == "pending" and "private, loopback or link-local" in delivery["error"]
