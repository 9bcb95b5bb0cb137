"""The outbox relay: publishes events stored in documents' `_outbox` arrays, then removes them."""
from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime

from kafka.errors import KafkaError

from .events import OUTBOX_FIELD, Event
from .kafka import Publisher

log = logging.getLogger(__name__)
# Documents with events still to send; a sparse index on the same path keeps the relay's poll cheap on MongoDB.
PENDING = {f"{OUTBOX_FIELD}.event_id": {"$exists": True}}


def ensure_outbox_index(collection) -> None:
    collection.create_index([(f"{OUTBOX_FIELD}.event_id", 1)], sparse=True, name="outbox_pending")


class OutboxStuck(RuntimeError):
    """An event has waited in an outbox longer than the bound: the relay cannot publish (broker, producer)."""


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
            except KafkaError as e:  # the broker is away: expected, and readiness reports the backlog
                log.warning("outbox relay cannot publish; retrying", extra={"error": repr(e)[:300]})
                sent = 0
                self.stopping.wait(1.0)
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

    def backlog(self, scan: int = 1000) -> tuple[int, float]:
        """(events waiting, age in seconds of the oldest), over at most `scan` documents per collection."""
        count, oldest = 0, None
        for coll in self.collections:
            for doc in coll.find(PENDING, {f"{OUTBOX_FIELD}.occurred_at": 1}).limit(scan):
                for entry in doc[OUTBOX_FIELD]:
                    count += 1
                    at = datetime.fromisoformat(entry["occurred_at"])
                    oldest = at if oldest is None or at < oldest else oldest
        return count, (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0

    def check(self, max_age: float) -> None:
        """Readiness: raise if the oldest unsent event is older than `max_age` seconds."""
        count, age = self.backlog()
        if age > max_age:
            raise OutboxStuck(f"{count} events waiting, the oldest for {age:.0f}s")

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
