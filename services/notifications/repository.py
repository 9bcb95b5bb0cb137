"""The delivery log (every email and SMS, with its status) and the contacts learnt from events."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from common.clock import now


class DeliveryRepository:
    def __init__(self, deliveries, contacts):
        self.deliveries, self.contacts = deliveries, contacts

    def ensure_indexes(self) -> None:
        self.deliveries.create_index([("user_id", ASCENDING), ("created_at", DESCENDING)])

    def claim(self, record: dict) -> dict | None:
        """Insert a pending delivery under its key; None if that key was already delivered."""
        try:
            self.deliveries.insert_one({**record, "status": "pending", "attempts": 0, "created_at": now()})
            return record
        except DuplicateKeyError:
            existing = self.deliveries.find_one({"_id": record["_id"]})
            return None if existing and existing.get("status") == "sent" else existing

    def mark(self, delivery_id: str, status: str, error: str | None = None) -> None:
        changes = {"status": status, "error": error, f"{status}_at": now()}
        self.deliveries.update_one({"_id": delivery_id}, {"$set": changes, "$inc": {"attempts": 1}})

    def for_user(self, user_id: str, skip: int, limit: int) -> tuple[list[dict], int]:
        query = {"user_id": user_id}
        docs = self.deliveries.find(query).sort([("created_at", DESCENDING), ("_id", ASCENDING)])
        return list(docs.skip(skip).limit(limit)), self.deliveries.count_documents(query)

    def remember_contact(self, user_id: str, email: str, name: str) -> None:
        self.contacts.update_one(
            {"_id": user_id}, {"$set": {"email": email, "name": name, "updated_at": now()}}, upsert=True
        )

    def contact(self, user_id: str) -> dict | None:
        return self.contacts.find_one({"_id": user_id})
