"""The outbox relay: publishes events stored in documents' `_outbox` arrays, then removes them."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from kafka.errors import KafkaError

from ..mongo.writes import off_write_answered, on_write_answered
from .events import OUTBOX_FIELD, Event, off_outbox_write, on_outbox_write
from .kafka import Publisher

log = logging.getLogger(__name__)
# Documents with events still to send; a sparse index on the same path (common/mongo/indexes.py OUTBOX) keeps the
# relay's poll cheap.
PENDING = {f"{OUTBOX_FIELD}.event_id": {"$exists": True}}


class OutboxStuck(RuntimeError):
    """An event has waited in an outbox longer than the bound: the relay cannot publish (broker, producer)."""


class OutboxRelay(threading.Thread):
    """Publishes events stored in documents' outbox arrays, then removes them (at least once).

    A write in this process announces its event ids (common.messaging.events.on_outbox_write) just before it is
    sent, and the relay looks as soon as the server has answered a write (common.mongo.writes), or after
    LANDING_WAIT if it hears of none: an event leaves within milliseconds, and a look rarely comes before its write
    has landed. Until every announced id is found the relay looks again after growing pauses (the write may still be
    under way, or it may never land: a conditional update that matched nothing), then forgets it. The slow poll
    every `interval` seconds is only the safety net for events nobody announced: written by a process that crashed
    before its relay sent them.
    """

    SETTLE = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5)  # pauses before looking again for announced ids
    LANDING_WAIT = 0.05  # the longest wait for an announced write's answer before looking anyway
    BATCH = 200  # documents per look; a look that fills it looks again at once

    def __init__(self, publisher: Publisher, collections, interval: float = 2.0):
        super().__init__(daemon=True, name="outbox-relay")
        self.publisher, self.collections, self.interval = publisher, list(collections), interval
        self.stopping = threading.Event()
        self.wake = threading.Event()
        self.landed = threading.Event()
        self._expected: set[str] = set()
        self._landed_in: set[str | None] = set()
        self._names = {c.full_name for c in self.collections}
        self._lock = threading.Lock()
        on_outbox_write(self.expect)
        on_write_answered(self.write_answered)

    def expect(self, event_ids) -> None:
        """Called by the writer: these events are about to be stored; publish them as soon as they are."""
        with self._lock:
            self._expected.update(event_ids)
        self.wake.set()

    def write_answered(self, namespace: str | None) -> None:
        """Called by the database client in the writing thread: a write to `namespace` landed (None: a transaction
        committed); look there if events are announced. The relay's own writes (removing what it sent) and writes
        to collections without an outbox are not news."""
        if threading.current_thread() is self or (namespace is not None and namespace not in self._names):
            return
        with self._lock:
            if not self._expected:
                return
            self._landed_in.add(namespace)
        self.landed.set()
        self.wake.set()

    def _await_landing(self) -> list:
        """The collections to look in: where announced writes landed, or every one (the safety-net poll, a write
        not heard of within LANDING_WAIT, a transaction's commit, ids still missing after a look)."""
        with self._lock:
            pending = bool(self._expected)
        if pending:
            self.landed.wait(self.LANDING_WAIT)
        # What woke the relay so far is answered by the look that follows; news from here on wakes it again.
        self.landed.clear()
        self.wake.clear()
        with self._lock:
            landed, self._landed_in = self._landed_in, set()
        if not landed or None in landed:
            return self.collections
        return [c for c in self.collections if c.full_name in landed]

    def run(self) -> None:
        settle = 0
        while not self.stopping.is_set():
            looking_in = self._await_landing()
            try:
                sent, full = self.relay_once(looking_in)
            except KafkaError as e:  # the broker is away: expected, and readiness reports the backlog
                log.warning("outbox relay cannot publish; retrying", extra={"error": repr(e)[:300]})
                self.stopping.wait(1.0)
                continue
            except Exception:
                log.exception("outbox relay failed; retrying")
                self.stopping.wait(1.0)
                continue
            with self._lock:
                self._expected.difference_update(sent)
                waiting = bool(self._expected)
                if waiting and settle == len(self.SETTLE):  # announced but never written: stop looking
                    self._expected.clear()
                    waiting, settle = False, 0
            if full:
                continue
            if waiting:
                self.wake.wait(self.SETTLE[settle])
                settle += 1
            else:
                settle = 0
                self.wake.wait(self.interval)

    def relay_once(self, collections=None) -> tuple[set[str], bool]:
        """Publish what the outboxes hold (one batch, sent together); returns (event ids sent, batch was full).
        Looks in `collections` (default: every outbox collection)."""
        docs, full = [], False
        for coll in self.collections if collections is None else collections:
            found = list(coll.find(PENDING, {OUTBOX_FIELD: 1}).limit(self.BATCH))
            docs += [(coll, doc) for doc in found]
            full = full or len(found) >= self.BATCH
        if not docs:
            return set(), False
        events = [(coll, doc["_id"], Event(**entry)) for coll, doc in docs for entry in doc[OUTBOX_FIELD]]
        self.publisher.publish_all([(e.type, e, str(doc_id)) for _, doc_id, e in events])
        sent: dict = {}
        for coll, doc_id, event in events:
            sent.setdefault((id(coll), doc_id), (coll, doc_id, []))[2].append(event.event_id)
        for coll, doc_id, ids in sent.values():
            coll.update_one({"_id": doc_id}, {"$pull": {OUTBOX_FIELD: {"event_id": {"$in": ids}}}})
        return {e.event_id for _, _, e in events}, full

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
        off_outbox_write(self.expect)
        off_write_answered(self.write_answered)
        self.stopping.set()
        self.wake.set()
