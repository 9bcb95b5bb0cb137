"""Payments: one document per order (its `_id`), with the provider's checkout, the history and its outbox."""

from __future__ import annotations

from pymongo import DESCENDING
from pymongo.errors import DuplicateKeyError

from common.clock import now
from common.messaging.events import Event
from common.mongo.moves import move, statuses

HIDDEN = {"_outbox": 0}


class ChargeRepository:
    """A payment document's `_id` is its order id: a second payment for one order cannot exist."""

    def __init__(self, collection):
        self.charges = collection

    def get(self, order_id: str) -> dict | None:
        return self.charges.find_one({"_id": order_id}, HIDDEN)

    def create(self, doc: dict) -> bool:
        try:
            self.charges.insert_one({"history": [], "refunds": {}, "refunded": 0, **doc, "created_at": now()})
            return True
        except DuplicateKeyError:
            return False

    def move(
        self,
        order_id: str,
        src: str | tuple[str, ...],
        fields: dict,
        *events: Event,
        entry: dict | None = None,
    ) -> dict | None:
        """Change a payment's status only from `src`, with its history entry and events, in one write; None if it
        had moved."""
        update: dict = {"$set": fields}
        if entry:
            update["$push"] = {"history": {**entry, "at": now()}}
        return move(self.charges, {"_id": order_id, **statuses(src)}, update, events, projection=HIDDEN)

    def set_checkout(self, order_id: str, session_id: str, url: str) -> dict | None:
        """Keep the provider's checkout for the order; the first one kept wins (two tabs get the same page)."""
        self.charges.update_one(
            {"_id": order_id, "session_id": None}, {"$set": {"session_id": session_id, "url": url, "updated_at": now()}}
        )
        return self.get(order_id)

    def reserve_refund(self, order_id: str, key: str, amount: int) -> dict | None:
        """Claim `amount` of the captured total for refund `key`: a compare-and-set on the refunded total, so two
        refunds can never add up to more than was captured, and one key claims once. None when it may not."""
        for _ in range(5):
            doc = self.get(order_id)
            if doc is None or doc["status"] != "captured" or key in doc["refunds"]:
                return None
            if doc["refunded"] + amount > doc["amount"]:
                return None
            claimed = self.charges.update_one(
                {
                    "_id": order_id,
                    "status": "captured",
                    "refunded": doc["refunded"],
                    f"refunds.{key}": {"$exists": False},
                },
                {
                    "$inc": {"refunded": amount},
                    "$set": {f"refunds.{key}": {"amount": amount, "refund_id": None}, "updated_at": now()},
                },
            )
            if claimed.modified_count:
                return self.get(order_id)
        return None

    def finish_refund(self, order_id: str, key: str, refund_id: str, amount: int, *events: Event) -> dict | None:
        update = {
            "$set": {f"refunds.{key}.refund_id": refund_id},
            "$push": {"history": {"kind": "refunded", "amount": amount, "id": refund_id, "at": now()}},
        }
        return move(self.charges, self._open_refund(order_id, key), update, events, projection=HIDDEN)

    def undo_refund(self, order_id: str, key: str, amount: int) -> None:
        """The provider refused the refund: the claim is given back."""
        self.charges.update_one(
            self._open_refund(order_id, key),
            {"$inc": {"refunded": -amount}, "$unset": {f"refunds.{key}": ""}},
        )

    @staticmethod
    def _open_refund(order_id: str, key: str) -> dict:
        return {"_id": order_id, f"refunds.{key}": {"$exists": True}, f"refunds.{key}.refund_id": None}

    def claim_guest(self, email: str, user_id: str) -> int:
        """A guest's payments with this address join the account that confirmed it: one write each, since user_id
        is the shard key (a sharded cluster moves a document to its new shard only by a single-document update)."""
        claimed = 0
        for doc in self.charges.find({"user_id": None, "email": email}, {"_id": 1}):
            done = self.charges.update_one(
                {"_id": doc["_id"], "user_id": None}, {"$set": {"user_id": user_id, "updated_at": now()}}
            )
            claimed += done.modified_count
        return claimed

    def for_user(self, user_id: str | None, order_id: str | None, limit: int = 50) -> list[dict]:
        f = {k: v for k, v in (("user_id", user_id), ("_id", order_id)) if v is not None}
        return list(self.charges.find(f, HIDDEN).sort([("created_at", DESCENDING)]).limit(limit))
