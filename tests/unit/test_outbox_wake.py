"""The outbox relay publishes an event as soon as its write lands, not on its (slow) safety-net poll."""

import time
import uuid

from common.messaging.events import make_event, push_outbox
from common.messaging.outbox import OutboxRelay
from tests.support.databases import database_client
from tests.support.polling import wait_until


class RecordingPublisher:
    def __init__(self):
        self.sent = []

    def publish_all(self, items):
        self.sent += [event.event_id for _, event, _ in items]


def test_a_written_event_leaves_within_milliseconds_although_the_poll_is_a_minute_away():
    orders = database_client()["t"][uuid.uuid4().hex]
    orders.insert_one({"_id": "o1", "status": "PENDING"})
    publisher = RecordingPublisher()
    relay = OutboxRelay(publisher, [orders], interval=60)
    relay.start()
    try:
        time.sleep(0.05)  # the relay's first look is done: it now sleeps for the interval
        event = make_event("order.placed", {"order_id": "o1"}, "test")
        started = time.monotonic()
        orders.update_one({"_id": "o1"}, {"$push": push_outbox(event)})
        assert wait_until(lambda: publisher.sent == [event.event_id], 5)
        assert time.monotonic() - started < 1.0
        assert wait_until(lambda: orders.find_one({"_id": "o1"})["_outbox"] == [], 5)
    finally:
        relay.stop()


class CountingRelay(OutboxRelay):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.looks = 0
        self.looked_in: list[list[str]] = []

    def relay_once(self, collections=None):
        self.looks += 1
        self.looked_in.append([c.name for c in (self.collections if collections is None else collections)])
        return super().relay_once(collections)


def test_an_announced_event_is_looked_for_once_its_write_has_landed_not_before():
    orders = database_client()["t"][uuid.uuid4().hex]
    orders.insert_one({"_id": "o1", "status": "PENDING"})
    publisher = RecordingPublisher()
    relay = CountingRelay(publisher, [orders], interval=60)
    relay.LANDING_WAIT = 10.0  # it looks when the write is answered, not on this timer (even on a slow machine)
    relay.start()
    try:
        assert wait_until(lambda: relay.looks == 1, 5)  # the first look at start
        clause = push_outbox(make_event("order.placed", {"order_id": "o1"}, "test"))  # announced here
        time.sleep(0.03)  # a write that takes 30 ms to reach the server: looks before it lands would find nothing
        orders.update_one({"_id": "o1"}, {"$push": clause})
        assert wait_until(lambda: len(publisher.sent) == 1, 5)
        assert relay.looks == 2  # one look, after the server answered the write
    finally:
        relay.stop()


def test_a_look_after_a_write_is_only_in_the_collection_it_landed_in():
    database = database_client()["t"]
    orders, trail = database[uuid.uuid4().hex], database[uuid.uuid4().hex]
    orders.insert_one({"_id": "o1", "status": "PENDING"})
    publisher = RecordingPublisher()
    relay = CountingRelay(publisher, [orders, trail], interval=60)
    relay.LANDING_WAIT = 10.0
    relay.start()
    try:
        assert wait_until(lambda: relay.looks == 1, 5)
        assert relay.looked_in == [[orders.name, trail.name]]  # at start: every outbox collection
        orders.update_one({"_id": "o1"}, {"$push": push_outbox(make_event("order.placed", {"order_id": "o1"}, "t"))})
        assert wait_until(lambda: len(publisher.sent) == 1, 5)
        assert relay.looked_in[1:] == [[orders.name]]  # the trail, where nothing was written, is not asked
    finally:
        relay.stop()
