"""Every index of the payments service's database, created at start (common/mongo/indexes.py)."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel

from common.mongo.indexes import INBOX, OUTBOX

INDEXES = {
    "charges": (IndexModel([("user_id", ASCENDING), ("created_at", DESCENDING)]), OUTBOX),
    "inbox": INBOX,
}
