"""The products collection."""

from __future__ import annotations

import re
from datetime import datetime
from typing import cast

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from common.clock import now
from common.errors import Conflict
from common.messaging.events import Event, outbox_entries
from common.mongo.moves import move

from . import facets, stock_flags

SORTS = {
    "price": {"price_min": ASCENDING, "_id": ASCENDING},  # a product with variants sorts by its "from" price
    "-price": {"price_min": DESCENDING, "_id": ASCENDING},
    "name": {"name": ASCENDING, "_id": ASCENDING},
    "-created": {"created_at": DESCENDING, "_id": ASCENDING},
    # Weighted matches first (see words), then by name: a stable order for paging.
    "relevance": {"score": DESCENDING, "name": ASCENDING, "_id": ASCENDING},
}
PUBLIC_FIELDS = {"_outbox": 0, "deleted": 0, "words": 0, "name_words": 0, "score": 0, "stock_at": 0}
# What a product's stock flags are computed from (services/products/stock_flags.py).
FLAG_INPUTS = ("sku", "variants", "sold_out", "stock_at")
# Compare-and-set retries of a stock flag change racing another write of the same product.
CAS_ATTEMPTS = 20
# A query word found in the name counts this many times one found only in the description (the text index's weights).
NAME_WEIGHT = 5
WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The distinct words of a text, lower-cased: what search matches (whole words, any language's letters)."""
    return sorted(set(WORD.findall(text.casefold())))


def search_words(doc: dict) -> dict:
    """The indexed words of a product: every word of its name and description, and those of its name alone."""
    name, description = doc.get("name", ""), doc.get("description", "")
    return {"words": words(f"{name} {description}"), "name_words": words(name)}


class ProductRepository:
    def __init__(self, collection):
        self.products = collection

    @staticmethod
    def _filters(
        q=None, category=None, min_price=None, max_price=None, featured=None, ids=None, skus=None
    ) -> list[dict]:
        """The search as $match stages: the first one is what an index serves (services/products/indexes.py),
        the second narrows what it found. Whole words, all of them, in the name or the description."""
        first: dict = {"deleted": False}
        rest: dict = {}
        wanted = words(q) if q else []
        if q and not wanted:
            return [{"_id": {"$in": []}}]  # punctuation only: no word can match
        # A SKU finds its product by the product's own SKU or one of its variants' (the unique variants.sku index).
        by_sku = {"$or": [{"variants.sku": {"$in": list(skus)}}, {"sku": {"$in": list(skus)}}]} if skus else None
        by_key = {"_id": {"$in": list(ids)}} if ids else by_sku
        if by_key:  # the cart's prices, an import's lookups: the _id or the unique sku index
            first = by_key
            rest["deleted"] = False
            if ids and by_sku:
                rest.update(by_sku)
        elif wanted:
            first["words"] = wanted[0]
        if wanted[1:] or (by_key and wanted):
            rest["words"] = {"$all": wanted}
        narrowing = rest if (by_key or wanted) else first
        if category:
            narrowing["category"] = category
        if min_price is not None or max_price is not None:
            narrowing["price_min"] = {k: v for k, v in (("$gte", min_price), ("$lte", max_price)) if v is not None}
        if featured:
            narrowing["featured"] = True
        return [first, rest] if rest else [first]

    def search(self, *, sort: str, skip: int, limit: int, **criteria) -> tuple[list[dict], int]:
        """One page and the total, in one round trip."""
        items, total, _ = self._search(sort=sort, skip=skip, limit=limit, **criteria)
        return items, total

    def search_with_facets(self, *, sort: str, skip: int, limit: int, **criteria) -> tuple[list[dict], int, dict]:
        """One page, the total and each filter's counts (services/products/facets.py), in one round trip."""
        items, total, counts = self._search(sort=sort, skip=skip, limit=limit, with_facets=True, **criteria)
        return items, total, cast(dict, counts)

    def _search(
        self,
        *,
        sort: str,
        skip: int,
        limit: int,
        q=None,
        with_facets: bool = False,
        category=None,
        price_band=None,
        size=(),
        colour=(),
        in_stock=False,
        **criteria,
    ) -> tuple[list[dict], int, dict | None]:
        narrowing = facets.chosen(category, price_band, size, colour, in_stock)
        if not with_facets:  # the category stays in the first stages, where an index serves it
            criteria["category"] = narrowing.pop("category", {}).get("category")
        stages: list[dict] = [{"$match": f} for f in self._filters(q=q, **criteria)]
        if sort == "relevance":
            wanted = words(q or "")
            stages.append(
                {
                    "$addFields": {
                        "score": {
                            "$add": [
                                {"$multiply": [NAME_WEIGHT, {"$size": {"$setIntersection": ["$name_words", wanted]}}]},
                                {"$size": {"$setIntersection": ["$words", wanted]}},
                            ]
                        }
                    }
                }
            )
        every = [{"$match": facets.all_of(narrowing.values())}] if narrowing else []
        branches: dict[str, list[dict]] = {
            "total": [*every, {"$count": "n"}],
            "items": [*every, {"$skip": skip}, {"$limit": limit}],
        }
        if with_facets:
            branches |= facets.branches(narrowing)
        stages += [{"$sort": SORTS[sort]}, {"$facet": branches}]
        (found,) = self.products.aggregate(stages)
        items = [{k: v for k, v in d.items() if k not in PUBLIC_FIELDS} for d in found["items"]]
        total = found["total"][0]["n"] if found["total"] else 0
        if not with_facets:
            return items, total, None
        return items, total, facets.counts(found, {"category": category, "size": size, "colour": colour})

    def get(self, product_id: str) -> dict | None:
        doc = self.products.find_one({"_id": product_id}, {"_outbox": 0, "words": 0, "name_words": 0, "stock_at": 0})
        return None if doc is None or doc.pop("deleted", False) else doc

    def categories(self) -> list[str]:
        return sorted(self.products.distinct("category", {"deleted": False}))

    def sku_taken(self, sku: str) -> bool:
        """Whether a product or a variant has this SKU (deleted ones too: their orders and stock still name it)."""
        return any(self.products.count_documents({field: sku}, limit=1) for field in ("sku", "variants.sku"))

    def insert(self, doc: dict, event: Event, *more: Event) -> None:
        try:
            self.products.insert_one(
                {
                    **doc,
                    **search_words(doc),
                    "created_at": doc.get("created_at") or now(),
                    "deleted": False,
                    "_outbox": outbox_entries(event, *more),
                }
            )
        except DuplicateKeyError:
            # Two admins racing on one SKU: the unique index decides, the loser hears 409.
            raise Conflict("SKU already exists", {"sku": doc["sku"]}, code="SKU_TAKEN") from None

    def update(self, product_id: str, changes: dict, event_for, audit_for=None) -> dict | None:
        """Apply changes and queue the event (and the admin's audit entry, `audit_for(current)`) in the same
        single-document write."""
        current = self.get(product_id)
        if current is None:
            return None
        events = (event_for({**current, **changes}), *([audit_for(current)] if audit_for else []))
        found = (
            {**changes, **search_words({**current, **changes})} if {"name", "description"} & set(changes) else changes
        )
        return move(
            self.products,
            {"_id": product_id, "deleted": False},
            {"$set": found},
            events,
            projection=PUBLIC_FIELDS,
        )

    def set_stock_flags(self, product_id: str | None, sku: str, in_stock: bool, at: datetime) -> bool:
        """stock.changed: the flags after one SKU's stock crossed zero at `at`; False when no live product has the
        SKU. An older word than the last applied for this SKU (a replay from the dead letters) changes nothing. A
        compare-and-set on what the flags were computed from, so a concurrent edit of the variants is not undone."""
        where = {"_id": product_id} if product_id else {"$or": [{"sku": sku}, {"variants.sku": sku}]}
        for _ in range(CAS_ATTEMPTS):
            doc = self.products.find_one({**where, "deleted": False}, {k: 1 for k in FLAG_INPUTS})
            if doc is None:
                return False
            seen = doc.get("stock_at") or {}
            if sku in seen and seen[sku] >= at:
                return True
            guard = {k: doc[k] if k in doc else {"$exists": False} for k in FLAG_INPUTS}
            change = {**stock_flags.after_change(doc, sku, in_stock), f"stock_at.{sku}": at}
            if self.products.update_one({"_id": doc["_id"], **guard}, {"$set": change}).matched_count:
                return True
        raise Conflict("The product is changing too fast, try again", code="PRODUCT_BUSY")

    def count(self) -> int:
        return self.products.count_documents({})
