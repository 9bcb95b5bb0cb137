"""Every index of the users service's database, created at start (common/mongo/indexes.py)."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel

from common.mongo.indexes import INBOX

INDEXES = {
    "profiles": (IndexModel([("created_at", ASCENDING), ("_id", ASCENDING)]),),  # the admin list, oldest first
    "audit": (IndexModel([("subject_type", ASCENDING), ("subject_id", ASCENDING), ("at", DESCENDING)]),),
    "inbox": INBOX,
}
