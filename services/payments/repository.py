"""Payment methods (tokens, never numbers) and charges (one per order, with its outbox)."""

from __future__ import annotations

from pymongo import DESCENDING
from pymongo.errors import DuplicateKeyError

from common.clock import now
from common.events import Event
from common.moves import move, statuses

HIDDEN = {"_outbox": 0, "card_ref": 0}


class MethodRepository:
    def __init__(self, collection):
        self.methods = collection

    def insert(self, doc: dict) -> None:
        self.methods.insert_one({**doc, "created_at": now()})

    def get(self, token: str) -> dict | None:
        return self.methods.find_one({"_id": token})


class ChargeRepository:
    """A charge document's `_id` is its order id: a second charge for one order cannot exist."""

    def __init__(self, collection):
        self.charges = collection

    def get(self, order_id: str) -> dict | None:
        return self.charges.find_one({"_id": order_id}, HIDDEN)

    def create(self, doc: dict) -> bool:
        try:
            self.charges.insert_one({**doc, "created_at": now(), "updated_at": now()})
            return True
        except DuplicateKeyError:
            return False

    def move(
        self, order_id: str, src: str | tuple[str, ...], fields: dict, *events: Event, inc: dict | None = None
    ) -> dict | None:
        """Change a charge's status only from `src`, with its events, in one write; None if it had moved."""
        update = {"$set": fields, **({"$inc": inc} if inc else {})}
        return move(self.charges, {"_id": order_id, **statuses(src)}, update, events, projection=HIDDEN)

    def for_user(self, user_id: str | None, order_id: str | None, limit: int = 50) -> list[dict]:
        f = {k: v for k, v in (("user_id", user_id), ("_id", order_id)) if v is not None}
        return list(self.charges.find(f, HIDDEN).sort([("created_at", DESCENDING)]).limit(limit))
