"""Every index of the inventory service's database, created at start (common/mongo/indexes.py)."""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from common.mongo.indexes import INBOX, OUTBOX

INDEXES = {
    "stock": (IndexModel([("product_id", ASCENDING)]), OUTBOX),
    # Expiry is a sweep, not a TTL index: an expired hold must give its units back and announce stock.released,
    # which deleting the document would not do.
    "reservations": (
        IndexModel([("status", ASCENDING), ("expires_at", ASCENDING)]),  # the expiry sweep
        IndexModel([("status", ASCENDING), ("paid", ASCENDING)]),  # paid reservations waiting too long (alert)
        OUTBOX,
    ),
    "inbox": INBOX,
}
