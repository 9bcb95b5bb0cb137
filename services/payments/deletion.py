"""account.deleted on the payments side: the account's payments stay (amounts, states, history) without the
personal fields."""

from __future__ import annotations

from common.clock import now
from common.messaging.messages import AccountDeleted

BLANK = {"email": None, "name": None, "phone": None, "customer_deleted": True}


def forget_customer(charges, deleted: AccountDeleted) -> int:
    """Idempotent: a replay blanks what is blank already. The number of payments anonymised."""
    done = charges.update_many({"user_id": deleted.user_id}, {"$set": BLANK | {"updated_at": now()}})
    return done.matched_count
