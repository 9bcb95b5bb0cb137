"""Every index of the products service's database, created at start (common/mongo/indexes.py)."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel

from common.mongo.indexes import INBOX, OUTBOX

LIVE = ("deleted", ASCENDING)  # every storefront query asks for live products first: {"deleted": False, ...}

INDEXES = {
    "products": (
        IndexModel([("sku", ASCENDING)], unique=True),
        # A variant's SKU is its stock's: no two products may share one (the cart and the import find it here).
        # Sparse, so products written before variants (migrated at start) do not all collide on a missing field.
        IndexModel([("variants.sku", ASCENDING)], unique=True, sparse=True),
        # Search: one entry per word of the name and description (repository.words); the relevance order
        # (name words count NAME_WEIGHT times) is computed on the matches.
        IndexModel([LIVE, ("words", ASCENDING)]),
        # The category and price filters, under each sort order; the listing alone; the home page's featured.
        IndexModel([LIVE, ("name", ASCENDING)]),
        IndexModel([LIVE, ("price_min", ASCENDING)]),
        IndexModel([LIVE, ("created_at", DESCENDING)]),
        IndexModel([LIVE, ("category", ASCENDING), ("price_min", ASCENDING)]),
        IndexModel([LIVE, ("category", ASCENDING), ("name", ASCENDING)]),
        IndexModel([LIVE, ("category", ASCENDING), ("created_at", DESCENDING)]),
        IndexModel([LIVE, ("featured", ASCENDING), ("name", ASCENDING)]),
        OUTBOX,
    ),
    "import_runs": (IndexModel([("source", ASCENDING), ("finished_at", DESCENDING)]),),  # a source's last import
    "inbox": INBOX,
}
