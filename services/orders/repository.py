"""The orders collection: one document per order, its timeline and its outbox, written together."""
from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from common.clock import now
from common.events import Event, outbox_entries, push_outbox

HIDDEN = {"_outbox": 0}



def idempotency_id(user_id: str, key: str) -> str:
    return f"{user_id}:{key}"


class OrderRepository:
    def __init__(self, collection):
        self.orders = collection

    def ensure_indexes(self) -> None:
        # One order per (user, Idempotency-Key): a retried or concurrent POST finds the first one.
        self.orders.create_index([("idem", ASCENDING)], unique=True)
        self.orders.create_index([("user_id", ASCENDING), ("created_at", DESCENDING)])
        self.orders.create_index([("status", ASCENDING)])

    def insert(self, doc: dict, event: Event) -> tuple[dict, bool]:
        """Insert the order with its order.placed event; on a duplicate key, the order already there."""
        stamped = {**doc, "created_at": now(), "updated_at": now(),
                   "timeline": [{"status": doc["status"], "at": now(), "reason": None}]}
        try:
            self.orders.insert_one({**stamped, "_outbox": outbox_entries(event)})
        except DuplicateKeyError:
            return self.by_idempotency(doc["idem"]), False
        return self.get(doc["_id"]), True

    def get(self, order_id: str) -> dict | None:
        return self.orders.find_one({"_id": order_id}, HIDDEN)

    def by_idempotency(self, idem: str) -> dict | None:
        return self.orders.find_one({"idem": idem}, HIDDEN)

    def list_for_user(self, user_id: str, skip: int, limit: int) -> tuple[list[dict], int]:
        f = {"user_id": user_id}
        docs = self.orders.find(f, HIDDEN).sort([("created_at", DESCENDING), ("_id", ASCENDING)])
        return list(docs.skip(skip).limit(limit)), self.orders.count_documents(f)

    def transition(self, order_id: str, src: str, path: list[str], reason: str | None = None,
                   fields: dict | None = None, events: tuple[Event, ...] = ()) -> dict | None:
        """Move the order along `path` only if it is still in `src`: state, timeline and events in one write.

        None means another writer moved the order first; the caller re-reads and decides again.
        """
        at = now()
        steps = [{"status": s, "at": at, "reason": reason if s == path[-1] else None} for s in path]
        update = {"$set": {**(fields or {}), "status": path[-1], "reason": reason, "updated_at": at},
                  "$push": {"timeline": {"$each": steps}, **(push_outbox(*events) if events else {})}}
        return self.orders.find_one_and_update({"_id": order_id, "status": src}, update, projection=HIDDEN,
                                               return_document=ReturnDocument.AFTER)

    def annotate(self, order_id: str, condition: dict, fields: dict) -> dict | None:
        """Record a fact that changes no state (a refund), once: `condition` guards a replay."""
        return self.orders.find_one_and_update({"_id": order_id, **condition},
                                               {"$set": {**fields, "updated_at": now()}},
                                               projection=HIDDEN, return_document=ReturnDocument.AFTER)
