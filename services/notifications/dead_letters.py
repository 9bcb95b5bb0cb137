"""Dead letters for the back office: every `<topic>.dlq` message kept with its error, replayed or discarded.

A collector reads every `.dlq` topic from the start (it never commits: each message is stored once by its
position and time, so reading again changes nothing) into the `dead_letters` collection. Replaying sends the
message back to its topic as it was: each consumer group's inbox drops an event id it already handled, so only
the group that failed handles it again, and a replay never doubles an effect."""

from __future__ import annotations

import base64
import hashlib
import json
import logging

from kafka import KafkaConsumer
from pymongo import DESCENDING, ReturnDocument

from common.api.paging import PageQuery, page_of
from common.clock import now
from common.errors import Conflict, NotFound
from common.messaging.events import OUTBOX_FIELD, push_outbox
from common.messaging.kafka import ConsumerLoop
from common.messaging.messages import AdminAction

log = logging.getLogger(__name__)
DLQ_PATTERN = r"^.*\.dlq$"
STATUSES = ("waiting", "replayed", "discarded")


def letter_id(topic: str, partition: int, offset: int, timestamp: int) -> str:
    """A letter's id: its position plus the record's time, since a re-created topic starts again at offset 0."""
    return hashlib.sha256(f"{topic}:{partition}:{offset}:{timestamp}".encode()).hexdigest()[:32]


def summary(raw: bytes) -> dict:
    """What the list shows of a message: its event id and type when it is an envelope, else a preview."""
    try:
        body = json.loads(raw)
        if isinstance(body, dict):
            return {
                "event_id": str(body.get("event_id") or "")[:64],
                "type": str(body.get("type") or "")[:64],
                "preview": raw[:300].decode("utf-8", "replace"),
            }
    except ValueError:
        pass
    return {"event_id": "", "type": "", "preview": raw[:300].decode("utf-8", "replace")}


def public(doc: dict) -> dict:
    keep = ("topic", "dlq_topic", "error", "event_id", "type", "preview", "status")
    out = {"id": doc["_id"], **{k: doc.get(k) for k in keep}}
    for key in ("received_at", "handled_at"):
        out[key] = doc[key].isoformat() if doc.get(key) else None
    return out


class DeadLetters:
    def __init__(self, collection, publisher):
        self.letters, self.publisher = collection, publisher

    def store(self, dlq_topic: str, partition: int, offset: int, timestamp: int, raw: bytes, headers) -> None:
        """Keep one dead letter; the same record seen again (a re-read) changes nothing."""
        error = next((v.decode("utf-8", "replace") for k, v in headers or [] if k == "error" and v), "")
        doc = {
            "dlq_topic": dlq_topic,
            "topic": dlq_topic.removesuffix(".dlq"),
            "partition": partition,
            "offset": offset,
            "error": error[:1000],
            "raw": base64.b64encode(raw).decode(),
            "status": "waiting",
            "received_at": now(),
            **summary(raw),
        }
        key = letter_id(dlq_topic, partition, offset, timestamp)
        self.letters.update_one({"_id": key}, {"$setOnInsert": doc}, upsert=True)

    def page(self, status: str, query: PageQuery) -> dict:
        f = {"status": status}
        total = self.letters.count_documents(f)
        docs = self.letters.find(f, {"raw": 0}).sort([("received_at", DESCENDING), ("_id", 1)])
        return page_of([public(d) for d in docs.skip(query.skip).limit(query.per_page)], total, query)

    def _take(self, letter: str, status: str, audited=None) -> dict:
        """Move a waiting letter on, once: two admins pressing the button at once act once. The admin's audit entry
        (`audited(before, after)`) rides in the same write (the letter's outbox)."""
        change: dict = {"$set": {"status": status, "handled_at": now()}}
        if audited is not None:
            change["$push"] = push_outbox(audited({"status": "waiting"}, {"status": status}))
        doc = self.letters.find_one_and_update(
            {"_id": letter, "status": "waiting"}, change, return_document=ReturnDocument.AFTER
        )
        if doc is None:
            if self.letters.find_one({"_id": letter}, {"_id": 1}) is None:
                raise NotFound("No such dead letter", code="DEAD_LETTER_NOT_FOUND")
            raise Conflict("This dead letter was already replayed or discarded", code="DEAD_LETTER_HANDLED")
        return doc

    def replay(self, letter: str, audited=None) -> dict:
        doc = self._take(letter, "replayed", audited)
        try:
            self.publisher.send(doc["topic"], base64.b64decode(doc["raw"]))
        except Exception:
            # Not replayed after all: back to waiting, and its audit entry goes too unless already relayed.
            undo: dict = {"$set": {"status": "waiting"}, "$unset": {"handled_at": ""}}
            if audited is not None:
                undo["$pull"] = {OUTBOX_FIELD: {"type": AdminAction.TOPIC, "data.after.status": "replayed"}}
            self.letters.update_one({"_id": letter}, undo)
            raise
        log.info("dead letter replayed", extra={"topic": doc["topic"], "event_id": doc.get("event_id")})
        return public(doc)

    def discard(self, letter: str, audited=None) -> dict:
        doc = self._take(letter, "discarded", audited)
        log.info("dead letter discarded", extra={"topic": doc["topic"], "event_id": doc.get("event_id")})
        return public(doc)


class Collector(ConsumerLoop):
    """Reads every `.dlq` topic (new ones within seconds) into the store, on the shared consumer loop."""

    POLL_MS = 1000  # dead letters are rare and nobody waits on one

    def __init__(self, options: dict, letters: DeadLetters):
        super().__init__("dead-letters", options)
        self.options, self.letters = options, letters

    def _consumer(self) -> KafkaConsumer:
        # No group: no join to wait for, no offsets kept. Each start reads every dead letter again from the start,
        # and the store keeps each position once, so reading twice changes nothing.
        consumer = KafkaConsumer(
            **self.options,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            metadata_max_age_ms=5000,
            # A long-held fetch keeps the idle stack idle.
            fetch_max_wait_ms=2000,
        )
        consumer.subscribe(pattern=DLQ_PATTERN)
        return consumer

    def _handle(self, consumer: KafkaConsumer, batch: dict) -> None:
        for records in batch.values():
            for r in records:
                self.letters.store(r.topic, r.partition, r.offset, r.timestamp, r.value, r.headers)
