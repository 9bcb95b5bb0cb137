"""The outbox relay: publishes events stored in documents' `_outbox` arrays, then removes them."""
from __future__ import annotations

import logging
import threading
import time

from .events import OUTBOX_FIELD, Event
from .kafka import Publisher

log = logging.getLogger(__name__)
# Documents with events still to send; a sparse index on the same path keeps the relay's poll cheap on MongoDB.
PENDING = {f"{OUTBOX_FIELD}.event_id": {"$exists": True}}


def ensure_outbox_index(collection) -> None:
    collection.create_index([(f"{OUTBOX_FIELD}.event_id", 1)], sparse=True, name="outbox_pending")


class OutboxRelay(threading.Thread):
    """Publishes events stored in documents' outbox arrays, then removes them (at least once)."""

    def __init__(self, publisher: Publisher, collections, interval: float = 0.1):
        super().__init__(daemon=True, name="outbox-relay")
        self.publisher, self.collections, self.interval = publisher, list(collections), interval
        for collection in self.collections:
            ensure_outbox_index(collection)
        self.stopping = threading.Event()
        self.wake = threading.Event()

    # Events come in bursts (a saga writes its next event moments after the last one left), so for a while
    # after sending, look again soon; idle, fall back to `interval`.
    BUSY_INTERVAL, BUSY_SECONDS = 0.01, 2.0

    def run(self) -> None:
        last_sent = 0.0
        while not self.stopping.is_set():
            try:
                sent = self.relay_once()
            except Exception:
                log.exception("outbox relay failed; retrying")
                sent = 0
                self.stopping.wait(1.0)
            if sent:
                last_sent = time.monotonic()
            else:
                busy = time.monotonic() - last_sent < self.BUSY_SECONDS
                self.wake.wait(self.BUSY_INTERVAL if busy else self.interval)
                self.wake.clear()

    def relay_once(self) -> int:
        sent = 0
        for coll in self.collections:
            for doc in coll.find(PENDING, {OUTBOX_FIELD: 1}).limit(100):
                for entry in doc[OUTBOX_FIELD]:
                    event = Event(**entry)
                    self.publisher.publish(event.type, event, key=str(doc["_id"]))
                    coll.update_one({"_id": doc["_id"]}, {"$pull": {OUTBOX_FIELD: {"event_id": event.event_id}}})
                    sent += 1
        return sent

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
