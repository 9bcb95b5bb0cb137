"""Every index of the products service's database, created at start (common/indexes.py)."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel

from common.indexes import INBOX, OUTBOX

INDEXES = {
    "products": (
        IndexModel([("sku", ASCENDING)], unique=True),
        # One per sort order, alone and under a category filter.
        IndexModel([("name", ASCENDING)]),
        IndexModel([("price", ASCENDING)]),
        IndexModel([("created_at", DESCENDING)]),
        IndexModel([("category", ASCENDING), ("price", ASCENDING)]),
        IndexModel([("category", ASCENDING), ("name", ASCENDING)]),
        IndexModel([("category", ASCENDING), ("created_at", DESCENDING)]),
        IndexModel([("featured", ASCENDING), ("name", ASCENDING)]),
        OUTBOX,
    ),
    "import_runs": (IndexModel([("source", ASCENDING), ("finished_at", DESCENDING)]),),  # a source's last import
    "inbox": INBOX,
}
