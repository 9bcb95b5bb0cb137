"""The products collection."""

from __future__ import annotations

import re

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from common.clock import now
from common.errors import Conflict
from common.events import Event, outbox_entries
from common.moves import move

SORTS = {
    "price": [("price", ASCENDING), ("_id", ASCENDING)],
    "-price": [("price", DESCENDING), ("_id", ASCENDING)],
    "name": [("name", ASCENDING), ("_id", ASCENDING)],
    "-created": [("created_at", DESCENDING), ("_id", ASCENDING)],
}
PUBLIC_FIELDS = {"_outbox": 0, "deleted": 0}


class ProductRepository:
    def __init__(self, collection):
        self.products = collection

    @staticmethod
    def _filter(q=None, category=None, min_price=None, max_price=None, featured=None, ids=None, skus=None) -> dict:
        f: dict = {"deleted": {"$ne": True}}
        if ids:
            f["_id"] = {"$in": list(ids)}
        if skus:
            f["sku"] = {"$in": list(skus)}
        if q:
            literal = re.escape(q)  # user text is matched literally, never as a pattern
            f["$or"] = [
                {"name": {"$regex": literal, "$options": "i"}},
                {"description": {"$regex": literal, "$options": "i"}},
            ]
        if category:
            f["category"] = category
        if min_price is not None or max_price is not None:
            f["price"] = {k: v for k, v in (("$gte", min_price), ("$lte", max_price)) if v is not None}
        if featured:
            f["featured"] = True
        return f

    def search(self, *, sort: str, skip: int, limit: int, **criteria) -> tuple[list[dict], int]:
        f = self._filter(**criteria)
        total = self.products.count_documents(f)
        docs = list(self.products.find(f, PUBLIC_FIELDS).sort(SORTS[sort]).skip(skip).limit(limit))
        return docs, total

    def get(self, product_id: str) -> dict | None:
        return self.products.find_one({"_id": product_id, "deleted": {"$ne": True}}, PUBLIC_FIELDS)

    def categories(self) -> list[str]:
        return sorted(self.products.distinct("category", {"deleted": {"$ne": True}}))

    def sku_taken(self, sku: str) -> bool:
        return self.products.count_documents({"sku": sku}, limit=1) > 0

    def insert(self, doc: dict, event: Event) -> None:
        try:
            self.products.insert_one(
                {
                    **doc,
                    "created_at": doc.get("created_at") or now(),
                    "deleted": False,
                    "_outbox": outbox_entries(event),
                }
            )
        except DuplicateKeyError:
            # Two admins racing on one SKU: the unique index decides, the loser hears 409.
            raise Conflict("SKU already exists", {"sku": doc["sku"]}, code="SKU_TAKEN") from None

    def update(self, product_id: str, changes: dict, event_for) -> dict | None:
        """Apply changes and queue the event in the same single-document write."""
        current = self.get(product_id)
        if current is None:
            return None
        event = event_for({**current, **changes})
        return move(
            self.products,
            {"_id": product_id, "deleted": {"$ne": True}},
            {"$set": changes},
            (event,),
            projection=PUBLIC_FIELDS,
        )

    def count(self) -> int:
        return self.products.count_documents({})
