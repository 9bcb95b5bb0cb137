"""The stock collection: one document per SKU, changed only by atomic conditional updates."""

from __future__ import annotations

import re

from pymongo.errors import DuplicateKeyError

from common.clock import now
from common.errors import Conflict, NotFound
from common.mongo.moves import move

from .schemas import MAX_STOCK

PUBLIC = {"_id": 0, "sku": 1, "available": 1, "reserved": 1}
COUNT_FIELDS = ("sku", "available", "reserved")
# Set on a record the reconciler created at 0 for want of its product's events; an admin's count clears it.
GUESSED = "guessed"
# Compare-and-set retries near the low-stock level, where each write must know the exact count it leaves.
CAS_ATTEMPTS = 50


def _audited(audit_for, current: dict, after: int) -> list:
    return [] if audit_for is None else [audit_for({"available": current["available"]}, {"available": after})]


class StockRepository:
    """`available` and `reserved` never go below zero however calls interleave: every change is one
    conditional single-document update, and any event it causes rides in that same write (outbox).

    `hold` (an order id, say) makes reserve/release/commit exactly-once per SKU under redelivery: a hold is
    recorded with the reservation, and release or commit only act on a hold that is still there.
    Each method returns the stock after the change ({sku, available, reserved}) or None when it cannot apply.
    """

    def __init__(self, collection, low_level: int, low_event, changed_event=None):
        self.stock = collection
        self.low_level = low_level  # `available` at or under this is low; crossing it emits low_event
        self.low_event = low_event  # (doc before the change, available after) -> Event
        # (doc before the change, available after) -> Event, when `available` crosses zero either way: stock.changed
        self.changed_event = changed_event

    def get(self, sku: str) -> dict | None:
        return self.stock.find_one({"_id": sku}, PUBLIC)

    def get_many(self, skus) -> list[dict]:
        return list(self.stock.find({"_id": {"$in": list(skus)}}, PUBLIC).sort("_id", 1))

    def ensure(self, sku: str, product_id: str | None, available: int, discontinued: bool = False) -> None:
        """Stock for a product; a replayed or late event never resets counts that exist, but for a record the
        reconciler had to guess at 0 (its `created` event was late), still untouched: that one gets `available`."""
        if (
            available
            and self.stock.update_one(
                {"_id": sku, GUESSED: True, "available": 0, "reserved": 0},
                {
                    "$set": {"available": available, "product_id": product_id, "discontinued": discontinued},
                    "$unset": {GUESSED: ""},
                },
            ).matched_count
        ):
            return
        fresh: dict = {"sku": sku, "available": available, "reserved": 0, "holds": [], "created_at": now()}
        try:
            self.stock.update_one(
                {"_id": sku},
                {
                    "$setOnInsert": fresh,
                    "$set": {"product_id": product_id, "discontinued": discontinued, "updated_at": now()},
                },
                upsert=True,
            )
        except DuplicateKeyError:  # two upserts raced to insert; the loser now finds the document
            self.stock.update_one({"_id": sku}, {"$set": {"product_id": product_id, "discontinued": discontinued}})

    def ensure_missing(
        self, sku: str, product_id: str | None, available: int, discontinued: bool = False, guessed: bool = False
    ) -> bool:
        """Create stock for a SKU that has none; True if created. Never changes a record that exists. A `guessed`
        record (no event said how many) takes the count of a `created` event that turns up late (see ensure)."""
        fresh: dict = {
            "sku": sku,
            "product_id": product_id,
            "available": available,
            "reserved": 0,
            "holds": [],
            "discontinued": discontinued,
            "created_at": now(),
            "updated_at": now(),
            **({GUESSED: True} if guessed else {}),
        }
        try:
            result = self.stock.update_one({"_id": sku}, {"$setOnInsert": fresh}, upsert=True)
        except DuplicateKeyError:  # created meanwhile (the product's own event got here first)
            return False
        return result.upserted_id is not None

    def set_available(self, sku: str, quantity: int, audit_for=None) -> dict:
        """An admin's count: `available` becomes `quantity`; units already reserved stay reserved. The admin's
        audit entry (`audit_for(before, after)`) rides in the same write."""
        for _ in range(CAS_ATTEMPTS):
            current = self.stock.find_one({"_id": sku})
            if current is None:
                try:
                    self.stock.insert_one(
                        {
                            "_id": sku,
                            "sku": sku,
                            "available": quantity,
                            "reserved": 0,
                            "holds": [],
                            "product_id": None,
                            "created_at": now(),
                        }
                    )
                    return {"sku": sku, "available": quantity, "reserved": 0}
                except DuplicateKeyError:
                    continue
            doc = self._apply(
                {"_id": sku, "available": current["available"]},
                {"$set": {"available": quantity}, "$unset": {GUESSED: ""}},
                [
                    *self._low(current, quantity),
                    *self._crossing(current, quantity),
                    *_audited(audit_for, current, quantity),
                ],
            )
            if doc is not None:
                return doc
        raise Conflict("Stock is changing too fast, try again", code="STOCK_BUSY")

    def adjust_available(self, sku: str, delta: int, audit_for=None) -> dict:
        """An admin's delta (a delivery, a breakage): one compare-and-set on the count it read, so it never
        lands on a count another writer changed meanwhile; a result below zero is refused with the reason."""
        for _ in range(CAS_ATTEMPTS):
            current = self.stock.find_one({"_id": sku})
            if current is None:
                raise NotFound("No stock for this SKU", code="SKU_NOT_FOUND")
            after = current["available"] + delta
            if after > MAX_STOCK:
                raise Conflict(
                    f"{current['available']} available: adding {delta} would make {after}, past the most a SKU "
                    f"may hold ({MAX_STOCK:,})",
                    {"available": current["available"], "delta": delta},
                    code="STOCK_TOO_HIGH",
                )
            if after < 0:
                raise Conflict(
                    f"Only {current['available']} available: removing {-delta} would leave "
                    f"{after}, and stock cannot go below zero",
                    {"available": current["available"], "delta": delta},
                    code="STOCK_NEGATIVE",
                )
            doc = self._apply(
                {"_id": sku, "available": current["available"]},
                {"$set": {"available": after}, "$unset": {GUESSED: ""}},
                [*self._low(current, after), *self._crossing(current, after), *_audited(audit_for, current, after)],
            )
            if doc is not None:
                return doc
        raise Conflict("Stock is changing too fast, try again", code="STOCK_BUSY")

    def levels(self, skip: int, limit: int, sku_contains: str = "", low_only_at: int | None = None):
        """Live SKUs, lowest available first (the ones to restock on top), and how many match."""
        f: dict = {"discontinued": {"$ne": True}}
        if sku_contains:
            f["_id"] = {"$regex": re.escape(sku_contains), "$options": "i"}  # literal text, never a pattern
        if low_only_at is not None:
            f["available"] = {"$lte": low_only_at}
        docs = self.stock.find(f, {**PUBLIC, "product_id": 1}).sort([("available", 1), ("_id", 1)])
        docs = docs.skip(skip).limit(limit)
        return list(docs), self.stock.count_documents(f)

    def reserve(self, sku: str, qty: int, hold: str | None = None, events=(), session=None) -> dict | None:
        """Move `qty` from available to reserved; None when there is not enough, or no such live SKU."""
        live = {"_id": sku, "discontinued": {"$ne": True}}
        guard = {"holds.id": {"$ne": hold}} if hold else {}
        change: dict[str, dict] = {"$inc": {"available": -qty, "reserved": qty}}
        if hold:
            change["$push"] = {"holds": {"id": hold, "qty": qty, "at": now()}}
        # Fast path: so much stock that this reservation cannot reach the low-stock level.
        doc = self._apply({**live, **guard, "available": {"$gte": qty + self.low_level + 1}}, change, events, session)
        if doc is not None:
            return doc
        for _ in range(CAS_ATTEMPTS):
            current = self.stock.find_one(live, session=session)
            if current is None:
                return None
            if hold and any(h["id"] == hold for h in current.get("holds", [])):
                return {k: current[k] for k in ("sku", "available", "reserved")}  # a replay: already held
            if current["available"] < qty:
                return None
            after = current["available"] - qty
            doc = self._apply(
                {**live, **guard, "available": current["available"]},
                change,
                [*events, *self._low(current, after), *self._crossing(current, after)],
                session,
            )
            if doc is not None:
                return doc
        raise Conflict("Stock is changing too fast, try again", code="STOCK_BUSY")

    def release(self, sku: str, qty: int, hold: str | None = None, events=()) -> dict | None:
        """Give reserved units back to available (a cancelled or expired reservation)."""
        return self._settle(sku, qty, hold, {"available": qty, "reserved": -qty}, events)

    def commit(self, sku: str, qty: int, hold: str | None = None, events=()) -> dict | None:
        """Reserved units leave the shelf for good (a paid order)."""
        return self._settle(sku, qty, hold, {"reserved": -qty}, events)

    def restock(self, sku: str, qty: int, hold: str, events=()) -> dict | None:
        """Committed units come back to available (a paid order cancelled before shipping), once per hold:
        the last returns are remembered in the document, so a redelivery cannot add them twice."""
        return self._increase(
            {"_id": sku, "returns": {"$ne": hold}},
            {"$inc": {"available": qty}, "$push": {"returns": {"$each": [hold], "$slice": -1000}}},
            qty,
            events,
        )

    def _settle(self, sku, qty, hold, inc, events) -> dict | None:
        where: dict = {"_id": sku, "reserved": {"$gte": qty}}
        change: dict = {"$inc": inc}
        if hold:
            where["holds"] = {"$elemMatch": {"id": hold, "qty": qty}}
            change["$pull"] = {"holds": {"id": hold}}
        if inc.get("available", 0) > 0:
            return self._increase(where, change, inc["available"], events)
        return self._apply(where, change, events)

    def _increase(self, where: dict, change: dict, qty: int, events) -> dict | None:
        """A change that adds `qty` to `available` where `where` holds: while stock is left, as it is; from zero,
        with stock.changed in the same write (a compare-and-set on the zero it read)."""
        if self.changed_event is None:
            return self._apply(where, change, events)
        for _ in range(CAS_ATTEMPTS):
            doc = self._apply({**where, "available": {"$gt": 0}}, change, events)
            if doc is not None:
                return doc
            current = self.stock.find_one(where)
            if current is None:
                return None  # the guard does not hold (a hold already settled, a return already made)
            if current["available"] > 0:
                continue  # restocked meanwhile: the first form applies
            after = current["available"] + qty
            doc = self._apply(
                {**where, "available": current["available"]}, change, [*events, *self._crossing(current, after)]
            )
            if doc is not None:
                return doc
        raise Conflict("Stock is changing too fast, try again", code="STOCK_BUSY")

    def announce(self, sku: str) -> bool:
        """stock.changed for the count as it stands, written with a compare-and-set on it (the reconciler's word to
        a catalog whose flags disagree); False when there is no such SKU or the count moved meanwhile."""
        current = self.stock.find_one({"_id": sku})
        if current is None or self.changed_event is None:
            return False
        event = self.changed_event(current, current["available"])
        return self._apply({"_id": sku, "available": current["available"]}, {"$set": {}}, [event]) is not None

    def _low(self, current: dict, after: int) -> list:
        crossing = current["available"] > self.low_level >= after
        return [self.low_event(current, after)] if crossing else []

    def _crossing(self, current: dict, after: int) -> list:
        crossing = self.changed_event is not None and (current["available"] > 0) != (after > 0)
        return [self.changed_event(current, after)] if crossing else []

    def _apply(self, where: dict, change: dict, events=(), session=None) -> dict | None:
        # The exact counts this write left (the catalog's SKUs: a small collection, so findAndModify's scan is cheap).
        after = move(self.stock, where, change, tuple(events), list(COUNT_FIELDS), session=session, exact_after=True)
        return None if after is None else {k: after[k] for k in COUNT_FIELDS}
