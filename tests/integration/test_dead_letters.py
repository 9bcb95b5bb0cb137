"""Dead letters through the real broker: collected from every <topic>.dlq, replayed once through the consumer."""

from __future__ import annotations

import uuid

import pytest
from kafka import KafkaProducer

import services.notifications
from common.api.paging import PageQuery
from common.messaging.events import make_event
from common.platform import ServicePlatform, platform_of
from common.service_app import running_workers
from devstack.smtp_sink import read_messages
from services.notifications.deps import deps as notifications_deps
from tests.support.polling import wait_until


@pytest.fixture(scope="module")
def app(redis_url, kafka_bootstrap, smtp_sink):
    app = services.notifications.create_app(
        {"redis_url": redis_url, "kafka_bootstrap": kafka_bootstrap, "run_workers": True, "smtp_url": smtp_sink.url}
    )
    consumers = [w for w in running_workers(app) if hasattr(w, "ready")]
    assert all(w.ready.wait(60) for w in consumers), "a consumer never joined its group"
    yield app
    workers = running_workers(app)  # the dead-letter collector among them
    for worker in workers:
        worker.stop()
    for worker in workers:
        worker.join(10)
    platform_of(app, kind=ServicePlatform).publisher.close()


@pytest.fixture()
def producer(kafka_bootstrap):
    p = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    yield p
    p.close()


def shipped_event():
    user = uuid.uuid4().hex
    return make_event(
        "order.shipped",
        {
            "order_id": uuid.uuid4().hex,
            "user_id": user,
            "email": f"{user}@example.test",
            "name": "Lin",
            "total": 1200,
            "currency": "USD",
            "lines": [],
        },
        "orders",
    )


def waiting(app, event_id):
    letters = notifications_deps(app).dead_letters.page("waiting", PageQuery(per_page=100))["items"]
    return next((d for d in letters if d["event_id"] == event_id), None)


def test_a_dead_letter_is_listed_with_its_error_and_a_replay_is_handled_once(app, producer, smtp_sink):
    event = shipped_event()
    # As the consumer runner dead-letters a message (its SMTP server was down at the time, say).
    producer.send("order.shipped.dlq", event.to_json(), headers=[("error", b"SMTPServerDisconnected()")]).get(10)
    letter = wait_until(lambda: waiting(app, event.event_id), message="the dead letter to be collected")
    assert letter["topic"] == "order.shipped" and letter["error"] == "SMTPServerDisconnected()"
    assert letter["type"] == "order.shipped"
    store = notifications_deps(app).dead_letters
    store.replay(letter["id"])
    wait_until(lambda: read_messages(smtp_sink.dir, to=event.data["email"]), message="the replayed event's email")
    with pytest.raises(Exception, match="already replayed"):
        store.replay(letter["id"])
    producer.send("order.shipped", event.to_json()).get(10)  # the same event again: the inbox drops it
    other = shipped_event()
    producer.send("order.shipped", other.to_json()).get(10)
    wait_until(lambda: read_messages(smtp_sink.dir, to=other.data["email"]), message="a later event's email")
    assert len(read_messages(smtp_sink.dir, to=event.data["email"])) == 1


def test_a_poison_message_is_kept_as_text_and_can_be_discarded(app, producer):
    producer.send("order.shipped", b"not json {").get(10)  # the consumer dead-letters it at once
    letters = notifications_deps(app).dead_letters
    letter = wait_until(
        lambda: next(
            (d for d in letters.page("waiting", PageQuery(per_page=100))["items"] if d["preview"] == "not json {"), None
        ),
        message="the poison message's letter",
    )
    assert letter["error"].startswith("undecodable") and letter["event_id"] == ""
    notifications_deps(app).dead_letters.discard(letter["id"])
    assert notifications_deps(app).dead_letters.page("discarded", PageQuery(per_page=100))["total"] >= 1
