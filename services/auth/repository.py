"""The accounts collection: credentials and roles, one document per user."""

from __future__ import annotations

from pymongo.errors import DuplicateKeyError

from common.errors import Conflict
from common.messaging.events import Event, outbox_entries, push_outbox

PUBLIC = {"password_hash": 0, "_outbox": 0}


class AccountRepository:
    def __init__(self, collection):
        self.accounts = collection

    def insert(self, account: dict, event: Event) -> None:
        """The account and its user.registered event, in one document write."""
        try:
            self.accounts.insert_one({**account, "_outbox": outbox_entries(event)})
        except DuplicateKeyError:
            raise Conflict("An account with this email already exists", code="EMAIL_TAKEN") from None

    def by_email(self, email: str) -> dict | None:
        return self.accounts.find_one({"email": email}, {"_outbox": 0})

    def get(self, account_id: str) -> dict | None:
        return self.accounts.find_one({"_id": account_id}, PUBLIC)

    def credentials(self, account_id: str) -> dict | None:
        """The account with its password hash (only the password checks read it)."""
        return self.accounts.find_one({"_id": account_id}, {"_outbox": 0})

    def update(self, account_id: str, changes: dict) -> None:
        self.accounts.update_one({"_id": account_id}, {"$set": changes})

    def mark_verified(self, account_id: str, email: str, event: Event) -> bool:
        """Confirm the address, if it is still the account's, with account.email_verified in the same write."""
        done = self.accounts.update_one(
            {"_id": account_id, "email": email},
            {"$set": {"email_verified": True}, "$push": push_outbox(event)},
        )
        return done.matched_count == 1
