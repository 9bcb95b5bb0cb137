"""Texts through Twilio's official library against the local stand-in: send, signed status callbacks, outage."""

from __future__ import annotations

import threading
import uuid
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server

import services.notifications
from common.messaging.events import make_event
from common.messaging.kafka import ConsumerRunner
from common.mongo.database import get_database
from common.platform import platform_of
from devstack.probes import free_port
from devstack.sms_standin import read_texts
from devstack.sms_standin import serve as serve_sms
from services.notifications.consumers import all_handlers
from services.notifications.deps import deps as notifications_deps
from tests.support.polling import wait_until
from tests.support.publishers import RecordingPublisher

PHONE = "+14155552671"


@pytest.fixture(scope="module")
def served(service_config, smtp_sink, sms_standin):
    """The notifications service on a real port, so the stand-in's status callbacks reach it."""
    port = free_port()
    callback = f"http://127.0.0.1:{port}/api/notifications/sms/status"
    app = services.notifications.create_app(
        service_config(smtp_url=smtp_sink.url, sms_status_callback_url=callback, **sms_standin.settings)
    )
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield app
    server.shutdown()


@pytest.fixture()
def order():
    user = uuid.uuid4().hex
    return {"order_id": uuid.uuid4().hex, "user_id": user, "email": f"{user}@example.test", "name": "Grace"}


def confirmed(order: dict, phone: str = PHONE):
    return make_event("order.confirmed", {**order, "phone": phone, "total": 8400, "currency": "USD", "lines": []}, "t")


def sms_of(app, issuer, user_id) -> dict:
    items = app.test_client().get("/api/notifications", headers=issuer.headers(user_id)).json["items"]
    return next(i for i in items if i["channel"] == "sms")


def post_status(app, token: str, delivery: str, status: str, signature: str | None = None):
    url = platform_of(app).settings.sms_status_callback_url + "?" + urlencode({"delivery": delivery})
    form = {"MessageSid": "SM" + "0" * 32, "MessageStatus": status, "AccountSid": "AC1", "To": PHONE}
    signature = signature if signature is not None else RequestValidator(token).compute_signature(url, form)
    path = "/api/notifications/sms/status?" + urlencode({"delivery": delivery})
    return app.test_client().post(path, data=form, headers={"X-Twilio-Signature": signature})


def test_a_confirmed_order_texts_through_the_library_and_the_log_reads_delivered(served, order, sms_standin, issuer):
    on = all_handlers(notifications_deps(served).notifier)
    on["order.confirmed"](confirmed(order))
    on["order.confirmed"](confirmed(order))  # the same fact again: one text per key
    [text] = [t for t in read_texts(sms_standin.dir, to=PHONE) if order["order_id"] in (t["status_callback"] or "")]
    assert text["body"] == f"Fragmart: order {order['order_id'][:8]} is confirmed ($84.00). Thank you!"
    assert text["from"] == "+15005550006"
    assert text["status_callback"].endswith(f"?delivery=order-confirmed-sms%3A{order['order_id']}")
    wait_until(lambda: sms_of(served, issuer, order["user_id"])["status"] == "delivered", 10, message="delivered")


def test_a_forged_status_callback_is_refused_and_changes_nothing(served, order, sms_standin, issuer):
    all_handlers(notifications_deps(served).notifier)["order.confirmed"](confirmed(order))
    delivery = f"order-confirmed-sms:{order['order_id']}"
    wait_until(lambda: sms_of(served, issuer, order["user_id"])["status"] == "delivered", 10, message="delivered")
    forged = post_status(served, "not-the-token", delivery, "failed")
    missing = post_status(served, sms_standin.token, delivery, "failed", signature="")
    assert (forged.status_code, forged.json["error"]) == (403, "BAD_SIGNATURE") and missing.status_code == 403
    assert sms_of(served, issuer, order["user_id"])["status"] == "delivered"


def test_a_signed_status_moves_forward_only(served, order, sms_standin, issuer):
    repo = notifications_deps(served).repo
    delivery = f"manual-{uuid.uuid4().hex}"
    repo.claim({"_id": delivery, "user_id": order["user_id"], "channel": "sms", "to": PHONE, "template": None})
    assert post_status(served, sms_standin.token, delivery, "sent").status_code == 204
    assert sms_of(served, issuer, order["user_id"])["status"] == "sent"
    assert post_status(served, sms_standin.token, delivery, "undelivered").status_code == 204
    assert post_status(served, sms_standin.token, delivery, "queued").status_code == 204  # late, out of order
    assert sms_of(served, issuer, order["user_id"])["status"] == "undelivered"


@pytest.mark.parametrize("status", ["", "exploded", "$ne", "x" * 500])
def test_a_signed_callback_with_an_unknown_status_is_a_clear_4xx(served, sms_standin, status):
    r = post_status(served, sms_standin.token, "some-delivery", status)
    assert 400 <= r.status_code < 500 and "error" in r.json


def test_a_number_the_provider_refuses_fails_the_attempt_with_its_message(served, order, issuer):
    handler = all_handlers(notifications_deps(served).notifier)["order.confirmed"]
    with pytest.raises(Exception, match="not a valid mobile number"):
        handler(confirmed(order, phone="+15005550009"))
    assert sms_of(served, issuer, order["user_id"])["status"] == "failed"


def test_a_provider_outage_is_retried_then_dead_lettered_and_a_replay_sends_once(
    service_config, smtp_sink, sms_standin, order, issuer, tmp_path
):
    port = free_port()
    outage_settings = {
        **sms_standin.settings,
        "sms_standin_url": f"http://127.0.0.1:{port}",
        "sms_status_callback_url": "",
    }
    app = services.notifications.create_app(service_config(smtp_url=smtp_sink.url, **outage_settings))
    handlers = all_handlers(notifications_deps(app).notifier)
    publisher = RecordingPublisher()
    inbox = get_database(app)["inbox"]
    runner = ConsumerRunner("unused:9092", "notifications", handlers, inbox, publisher, attempts=3, backoff=0.01)
    event = confirmed(order)
    runner.handle_record("order.confirmed", event.to_json())  # nothing listens on the provider's port
    [(topic, raw, headers)] = publisher.sent
    assert topic == "order.confirmed.dlq" and raw == event.to_json() and "ConnectionError" in str(headers)
    assert sms_of(app, issuer, order["user_id"])["status"] == "failed"
    server = serve_sms(port, tmp_path, sms_standin.sid, sms_standin.token)  # the provider is back
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        runner.handle_record("order.confirmed", event.to_json())  # the back office replays the dead letter
        runner.handle_record("order.confirmed", event.to_json())
        assert len(read_texts(tmp_path, to=PHONE)) == 1 and len(publisher.sent) == 1
        assert sms_of(app, issuer, order["user_id"])["status"] in ("queued", "sent", "delivered")
    finally:
        server.shutdown()
