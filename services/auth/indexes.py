"""Every index of the auth service's database, created at start (common/mongo/indexes.py)."""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from common.mongo.indexes import OUTBOX

INDEXES = {
    # The unique index is what makes a duplicate registration a 409 even when two race.
    "accounts": (IndexModel([("email", ASCENDING)], unique=True), OUTBOX),
    # Revoked token ids go once their token would have expired anyway; 60 s late at most (the TTL monitor's
    # period) is fine, since revoked() compares expires_at itself.
    "revocations": (IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0),),
    # A reset link's record (its token's hash) goes a day after it expired; the reset itself checks expires_at.
    "password_resets": (IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=86400), OUTBOX),
}
