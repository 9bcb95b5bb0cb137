"""Every index of the orders service's database, created at start (common/mongo/indexes.py)."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel

from common.mongo.indexes import INBOX, OUTBOX

INDEXES = {
    "orders": (
        # One order per (user, Idempotency-Key): a retried or concurrent POST finds the first one. (user_id, idem)
        # rather than idem alone, the same constraint (idem starts with the user id): a sharded cluster needs a
        # unique index to start with the shard key (devstack/shards.py).
        IndexModel([("user_id", ASCENDING), ("idem", ASCENDING)], unique=True),
        IndexModel([("user_id", ASCENDING), ("created_at", DESCENDING)]),  # a customer's orders, newest first
        # The saga's by-id reads and moves name the shard key too ({"_id", "user_id"}): MongoDB serves them by _id,
        # the local server's planner only by an index holding both fields.
        IndexModel([("user_id", ASCENDING), ("_id", ASCENDING)]),
        IndexModel([("status", ASCENDING)]),
        IndexModel([("status", ASCENDING), ("updated_at", ASCENDING)], name="stalled"),  # the re-drive watchdog
        OUTBOX,
    ),
    "inbox": INBOX,
    "audit_outbox": (OUTBOX,),  # the admin's rule changes' audit entries (common/mongo/audit.py AuditOutbox)
    # The delivery step lists every option, cheapest first (the checkout's quote and order placing).
    "delivery_options": (IndexModel([("price", ASCENDING), ("_id", ASCENDING)]),),
}
