"""The orders collection: one document per order, its timeline and its outbox, written together."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from common.clock import now
from common.messaging.events import Event, outbox_entries, push_outbox
from common.mongo.database import written
from common.mongo.moves import move, statuses

from .metrics import NoOrderMetrics

HIDDEN = {"_outbox": 0}


def _by_id(order_id: str, user_id: str | None) -> dict:
    return {"_id": order_id, "user_id": user_id} if user_id else {"_id": order_id}


def idempotency_id(owner: str, key: str) -> str:
    """A key is its owner's: a customer's user id, or a guest's email."""
    return f"{owner}:{key}"


class OrderRepository:
    def __init__(self, collection, metrics=None):
        self.orders = collection
        self.metrics = metrics or NoOrderMetrics()

    def insert(self, doc: dict, event: Event) -> tuple[dict, bool]:
        """Insert the order with its order.placed event; on a duplicate key, the order already there."""
        stamped = {
            **doc,
            "created_at": now(),
            "updated_at": now(),
            "timeline": [{"status": doc["status"], "at": now(), "reason": None}],
        }
        try:
            self.orders.insert_one({**stamped, "_outbox": outbox_entries(event)})
        except DuplicateKeyError:
            return written(self.by_idempotency(doc["idem"], doc["user_id"])), False
        self.metrics.placed(stamped)
        return written(self.get(doc["_id"], doc["user_id"])), True

    def get(self, order_id: str, user_id: str | None = None) -> dict | None:
        """By id; with its customer's id (the shard key) when known, so a sharded cluster asks one shard."""
        return self.orders.find_one(_by_id(order_id, user_id), HIDDEN)

    def by_idempotency(self, idem: str, user_id: str | None) -> dict | None:
        """The order placed with this key; naming the shard key (None: a guest's) keeps this on one shard."""
        return self.orders.find_one({"user_id": user_id, "idem": idem}, HIDDEN)

    def claim_guest(self, email: str, user_id: str) -> int:
        """A guest's orders with this address join the account that confirmed it: one write each, since user_id
        is the shard key (a sharded cluster moves a document to its new shard only by a single-document update)."""
        claimed = 0
        for doc in self.orders.find({"user_id": None, "email": email}, {"_id": 1}):
            done = self.orders.update_one(
                {"_id": doc["_id"], "user_id": None}, {"$set": {"user_id": user_id, "updated_at": now()}}
            )
            claimed += done.modified_count
        return claimed

    def list_for_user(self, user_id: str, skip: int, limit: int) -> tuple[list[dict], int]:
        f = {"user_id": user_id}
        docs = self.orders.find(f, HIDDEN).sort([("created_at", DESCENDING), ("_id", ASCENDING)])
        return list(docs.skip(skip).limit(limit)), self.orders.count_documents(f)

    def transition(
        self,
        order_id: str,
        src: str,
        path: list[str],
        reason: str | None = None,
        fields: dict | None = None,
        events: tuple[Event, ...] = (),
        user_id: str | None = None,
    ) -> dict | None:
        """Move the order along `path` only if it is still in `src`: state, timeline and events in one write.

        None means another writer moved the order first; the caller re-reads and decides again.
        """
        at = now()
        steps = [{"status": s, "at": at, "reason": reason if s == path[-1] else None} for s in path]
        update = {
            "$set": {**(fields or {}), "status": path[-1], "reason": reason, "updated_at": at},
            "$push": {"timeline": {"$each": steps}},
        }
        where = {**_by_id(order_id, user_id), **statuses(src)}
        moved = move(self.orders, where, update, events, projection=HIDDEN, key=tuple(_by_id(order_id, user_id)))
        if moved is not None:
            self.metrics.moved(moved, src)
        return moved

    def annotate(self, order_id: str, condition: dict, fields: dict, user_id: str | None = None) -> dict | None:
        """Record a fact that changes no state (a refund), once: `condition` guards a replay."""
        return self.orders.find_one_and_update(
            {**_by_id(order_id, user_id), **condition},
            {"$set": {**fields, "updated_at": now()}},
            projection=HIDDEN,
            return_document=ReturnDocument.AFTER,
        )

    def stalled(self, statuses, quiet_since, at, limit: int = 100) -> list[dict]:
        """Orders in `statuses` unchanged since `quiet_since`, due for a re-drive at `at`, with no event unsent
        (an unsent event is the relay's to deliver, not a lost one)."""
        # The first $match is what the "stalled" (status, updated_at) index serves on both servers: the local
        # one's planner uses an index for {status: {$in}} alone, not with the range beside it.
        docs = self.orders.aggregate(
            [
                {"$match": {"status": {"$in": list(statuses)}}},
                {
                    "$match": {
                        "updated_at": {"$lt": quiet_since},
                        "_outbox.event_id": {"$exists": False},
                        "$or": [{"redrive_after": {"$exists": False}}, {"redrive_after": {"$lt": at}}],
                    }
                },
                {"$sort": {"updated_at": ASCENDING}},
                {"$limit": limit},
                {"$project": HIDDEN},
            ]
        )
        return list(docs)

    def redrive(self, order: dict, next_at, event: Event) -> dict | None:
        """Queue `event` again for an order still as it was read; None if it moved meanwhile."""
        return self.orders.find_one_and_update(
            {"_id": order["_id"], "status": order["status"], "updated_at": order["updated_at"]},
            {
                "$set": {"redrive_after": next_at, "redriven_at": now()},
                "$inc": {"redrives": 1},
                "$push": push_outbox(event),
            },
            projection=HIDDEN,
            return_document=ReturnDocument.AFTER,
        )
