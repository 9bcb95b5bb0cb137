"""A service's indexes: declared once in services/<name>/indexes.py, created by the bootstrap at start.

A new collection or query adds its index there; tests/integration/test_query_plans.py runs every hot-path query
against the local server with explain() and fails on a collection scan."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pymongo import ASCENDING, IndexModel

from ..messaging.events import OUTBOX_FIELD
from ..messaging.kafka import INBOX_DAYS

# collection name -> its indexes (beyond _id)
Indexes = Mapping[str, Sequence[IndexModel]]

# Every collection with an outbox: the relay looks for documents with events still to send (common/messaging/outbox.py).
OUTBOX = IndexModel([(f"{OUTBOX_FIELD}.event_id", ASCENDING)], sparse=True, name="outbox_pending")
# Every consumer's inbox: handled event ids are remembered longer than any topic keeps its messages, then the
# TTL monitor lets them go.
INBOX = (IndexModel([("at", ASCENDING)], expireAfterSeconds=INBOX_DAYS * 86400, name="inbox_ttl"),)


def create_indexes(db, declared: Indexes) -> None:
    """Create every declared index (idempotent: an index that exists with the same keys and options is left)."""
    for collection, models in declared.items():
        if models:
            db[collection].create_indexes(list(models))
