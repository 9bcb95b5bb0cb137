"""The co-purchase counts: per product, its units sold and how often each other product was in the same order."""

from __future__ import annotations

from collections import Counter

from pymongo import UpdateOne

from common.clock import now
from common.ids import is_id
from common.mongo.database import in_transaction

# How many of a product's companions a read looks at: the ranking needs a few beyond the 4 it shows, since some may
# have been deleted since they were bought.
COMPANIONS = 20


def order_counts(lines) -> Counter:
    """Units per product of an order's lines (two sizes of one shirt are one product); lines without a usable
    product id (events older than product ids, or a malformed one) are left out, since the id becomes a field name."""
    units: Counter = Counter()
    for line in lines:
        if is_id(line.product_id):
            units[line.product_id] += line.quantity
    return units


class CoPurchaseRepository:
    """`counts` holds one document per product: {_id, sales (units), orders, with: {other product id: orders}};
    `counted` the ids of the orders already counted, written in the same transaction as their counts."""

    def __init__(self, counts, counted):
        self.counts, self.counted = counts, counted

    def add_order(self, order_id: str, units: Counter) -> bool:
        """Count one confirmed order, once: False if it was counted before (a redelivery, a replay)."""

        def count(session) -> bool:
            # An upsert, not an insert: a duplicate key error would abort the transaction. Two deliveries at once
            # conflict, and the transaction retried sees the order counted.
            mark = self.counted.update_one(
                {"_id": order_id}, {"$setOnInsert": {"at": now()}}, upsert=True, session=session
            )
            if mark.upserted_id is None:
                return False
            writes = [
                UpdateOne(
                    {"_id": product},
                    {
                        "$inc": {
                            "sales": quantity,
                            "orders": 1,
                            **{f"with.{other}": 1 for other in units if other != product},
                        }
                    },
                    upsert=True,
                )
                for product, quantity in units.items()
            ]
            if writes:
                self.counts.bulk_write(writes, ordered=False, session=session)
            return True

        return in_transaction(self.counts, count)

    def companions(self, product_id: str) -> dict[str, int]:
        """The products bought with this one, and in how many orders, the most frequent first."""
        doc = self.counts.find_one({"_id": product_id}, {"with": 1}) or {}
        together = sorted((doc.get("with") or {}).items(), key=lambda kv: (-kv[1], kv[0]))
        return dict(together[:COMPANIONS])

    def sales(self, product_ids) -> dict[str, int]:
        """Units sold of each of these products that sold any."""
        found = self.counts.find({"_id": {"$in": list(product_ids)}}, {"sales": 1})
        return {d["_id"]: d.get("sales", 0) for d in found}

    def was_counted(self, order_id: str) -> bool:
        return self.counted.count_documents({"_id": order_id}, limit=1) > 0
