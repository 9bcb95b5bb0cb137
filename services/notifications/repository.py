"""The delivery log (every email and SMS, with its status) and the contacts learnt from events."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from common.clock import now

# A provider's statuses in the order they happen. "failed" from the provider is final, unlike a failed attempt of
# ours (stored as "failed" too, but not final: the consumer retries it).
FINAL = 4
SMS_RANK = {
    "accepted": 1,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "delivered": FINAL,
    "undelivered": FINAL,
    "failed": FINAL,
}


def _handed_over(delivery: dict) -> bool:
    """Sent, or in the provider's hands: sending again would text twice."""
    return delivery.get("status") == "sent" or bool(delivery.get("provider_sid")) or bool(delivery.get("final"))


class DeliveryRepository:
    def __init__(self, deliveries, contacts):
        self.deliveries, self.contacts = deliveries, contacts

    def claim(self, record: dict) -> dict | None:
        """Insert a pending delivery under its key; None if that key was already delivered."""
        try:
            self.deliveries.insert_one({**record, "status": "pending", "attempts": 0, "created_at": now()})
            return record
        except DuplicateKeyError:
            existing = self.deliveries.find_one({"_id": record["_id"]})
            return None if existing and _handed_over(existing) else existing

    def mark(self, delivery_id: str, status: str, error: str | None = None) -> None:
        changes = {"status": status, "error": error, f"{status}_at": now()}
        self.deliveries.update_one({"_id": delivery_id}, {"$set": changes, "$inc": {"attempts": 1}})

    def accepted(self, delivery_id: str, provider_sid: str, status: str) -> None:
        """The provider took the text: keep its id; the status moves only forward (a callback may have come first)."""
        self.deliveries.update_one(
            {"_id": delivery_id}, {"$set": {"provider_sid": provider_sid}, "$inc": {"attempts": 1}}
        )
        self.progress(delivery_id, status)

    def progress(self, delivery_id: str, status: str) -> bool:
        """Move a text to a later provider status (queued → sent → delivered / undelivered / failed); never back."""
        earlier = ["pending", "failed", *(s for s, rank in SMS_RANK.items() if rank < SMS_RANK[status])]
        changes = {"status": status, f"{status}_at": now(), "final": SMS_RANK[status] == FINAL}
        found = self.deliveries.update_one(
            {"_id": delivery_id, "status": {"$in": earlier}, "final": {"$ne": True}}, {"$set": changes}
        )
        return found.modified_count == 1

    def for_user(self, user_id: str, skip: int, limit: int) -> tuple[list[dict], int]:
        query = {"user_id": user_id}
        docs = self.deliveries.find(query).sort([("created_at", DESCENDING), ("_id", ASCENDING)])
        return list(docs.skip(skip).limit(limit)), self.deliveries.count_documents(query)

    def remember_contact(self, user_id: str, email: str, name: str, role: str | None = None) -> None:
        """A deleted account's contact stays forgotten, even when its user.registered comes again (a replay)."""
        fields = {"email": email, "name": name, "updated_at": now(), **({"role": role} if role else {})}
        try:
            self.contacts.update_one({"_id": user_id, "deleted": {"$ne": True}}, {"$set": fields}, upsert=True)
        except DuplicateKeyError:  # the tombstone is there: the upsert's insert collides with it
            pass

    def forget(self, user_id: str) -> None:
        """account.deleted: the contact becomes a tombstone (nothing is sent to it again) and the delivery log keeps
        what was sent when, without the address or the text."""
        self.contacts.replace_one({"_id": user_id}, {"deleted": True, "updated_at": now()}, upsert=True)
        self.deliveries.update_many({"user_id": user_id}, {"$set": {"to": "", "body": None, "forgotten": True}})

    def forgotten(self, user_id: str) -> bool:
        return self.contacts.count_documents({"_id": user_id, "deleted": True}, limit=1) == 1

    def follow_email(self, user_id: str, email: str, version: int) -> None:
        """account.email_changed: the contact's address, unless a newer change is already applied (a late replay)."""
        newer = {
            "_id": user_id,
            "deleted": {"$ne": True},
            "$or": [{"email_version": None}, {"email_version": {"$lt": version}}],
        }
        self.contacts.update_one(newer, {"$set": {"email": email, "email_version": version, "updated_at": now()}})

    def admin_emails(self) -> list[str]:
        """The addresses of the admins seen registering (the back office's people)."""
        return sorted({c["email"] for c in self.contacts.find({"role": "admin"}) if c.get("email")})

    def contact(self, user_id: str) -> dict | None:
        return self.contacts.find_one({"_id": user_id})
