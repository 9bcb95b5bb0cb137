"""Every index of the notifications service's database, created at start (common/mongo/indexes.py)."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel

from common.mongo.indexes import INBOX, OUTBOX

INDEXES = {
    "deliveries": (IndexModel([("user_id", ASCENDING), ("created_at", DESCENDING)]),),
    "dead_letters": (IndexModel([("status", ASCENDING), ("received_at", DESCENDING)]),),
    # An admin's retried "Add endpoint" (the form's key) adds one endpoint.
    "webhook_endpoints": (IndexModel([("idempotency_key", ASCENDING)], unique=True, sparse=True),),
    "webhook_deliveries": (
        IndexModel([("status", ASCENDING), ("next_at", ASCENDING)]),  # the sender's due deliveries
        IndexModel([("endpoint_id", ASCENDING), ("created_at", DESCENDING)]),  # an endpoint's log
    ),
    "inbox": INBOX,
    "audit_outbox": (OUTBOX,),  # the admin's webhook changes' audit entries (common/mongo/audit.py AuditOutbox)
}
