"""Events really travel through the Kafka-protocol broker: outbox relay -> topic -> consumer runner."""

from __future__ import annotations

import threading
import uuid

import pytest
from kafka import KafkaConsumer

from common.messaging.events import make_event, outbox_entries
from common.messaging.kafka import ConsumerRunner, Publisher
from common.messaging.outbox import OutboxRelay
from tests.support.databases import database_client
from tests.support.polling import wait_until


@pytest.fixture()
def db():
    return database_client()[f"t{uuid.uuid4().hex}"]


@pytest.fixture()
def topic():
    return f"test.{uuid.uuid4().hex[:8]}"


def test_an_event_written_to_an_outbox_is_published_once_and_consumed_once(kafka_bootstrap, db, topic):
    publisher = Publisher(kafka_bootstrap)
    seen, lock = [], threading.Lock()

    def handle(event):
        with lock:
            seen.append(event)

    runner = ConsumerRunner(kafka_bootstrap, f"g-{topic}", {topic: handle}, db["inbox"], publisher)
    relay = OutboxRelay(publisher, [db["orders"]])
    runner.start()
    relay.start()
    try:
        assert runner.ready.wait(40), "consumer never joined its group"
        event = make_event(topic, {"order_id": "o1"}, "test", correlation_id="corr-1")
        db["orders"].insert_one({"_id": "o1", "status": "PENDING", "_outbox": outbox_entries(event)})
        relay.wake.set()
        assert wait_until(lambda: len(seen) == 1)
        assert seen[0].event_id == event.event_id and seen[0].correlation_id == "corr-1"
        assert wait_until(lambda: db["orders"].find_one({"_id": "o1"})["_outbox"] == [])
        # Delivered again (at least once): the inbox makes the effect happen once.
        publisher.publish(topic, event)
        publisher.publish(topic, make_event(topic, {"order_id": "o2"}, "test"))
        assert wait_until(lambda: len(seen) == 2)
        assert [e.data["order_id"] for e in seen] == ["o1", "o2"]
    finally:
        runner.stop()
        relay.stop()
        runner.join(10)
        publisher.close()


def test_a_poison_message_goes_to_the_dead_letter_topic_with_its_error(kafka_bootstrap, db, topic):
    publisher = Publisher(kafka_bootstrap)

    def handle(event):
        raise ValueError("cannot handle " + event.data["n"])

    runner = ConsumerRunner(kafka_bootstrap, f"g-{topic}", {topic: handle}, db["inbox"], publisher, backoff=0.01)
    runner.start()
    try:
        assert runner.ready.wait(40)
        publisher.publish(topic, make_event(topic, {"n": "x"}, "test"))
        publisher.producer().send(topic, b"{not json").get(10)
        dlq = KafkaConsumer(
            f"{topic}.dlq", bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest", consumer_timeout_ms=20000
        )
        got = []
        for record in dlq:
            got.append((record.value, dict(record.headers)))
            if len(got) == 2:
                break
        dlq.close()
        assert len(got) == 2
        assert b"cannot handle x" in got[0][1]["error"]
        assert got[1][0] == b"{not json" and got[1][1]["error"].startswith(b"undecodable")
    finally:
        runner.stop()
        runner.join(10)
        publisher.close()
