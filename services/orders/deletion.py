"""account.deleted on the orders side: the account's orders stay for the books (lines, totals, country, states)
with the personal fields blanked and `customer_deleted` set; the account's cart goes."""

from __future__ import annotations

import logging

from common.clock import now
from common.messaging.messages import AccountDeleted

from .cart_store import user_cart_id

log = logging.getLogger(__name__)
BLANK = {"email": None, "name": None, "phone": None, "customer_deleted": True}
# The address keeps its country (tax and delivery were priced by it); the lines that find a person go.
BLANK_ADDRESS = {"address.name": "", "address.line1": "", "address.line2": "", "address.city": ""}
BLANK_ADDRESS |= {"address.postal_code": ""}


def forget_customer(orders, carts, deleted: AccountDeleted) -> int:
    """Idempotent: a replay blanks what is blank already. The number of orders anonymised."""
    mine = {"user_id": deleted.user_id}
    at = {"updated_at": now()}
    with_address = orders.update_many({**mine, "address": {"$type": "object"}}, {"$set": BLANK | BLANK_ADDRESS | at})
    orders.update_many({**mine, "address": {"$not": {"$type": "object"}}}, {"$set": BLANK | at})
    if carts is not None:
        carts.store.clear(user_cart_id(deleted.user_id))
    log.info("customer forgotten", extra={"user_id": deleted.user_id, "orders": with_address.matched_count})
    return with_address.matched_count
