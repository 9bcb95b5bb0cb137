"""The profiles collection: one document per user, addresses embedded (bounded, atomic per user)."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from common.clock import now
from common.mongo.database import written

MAX_ADDRESSES = 20


class ProfileRepository:
    def __init__(self, collection):
        self.profiles = collection

    def ensure(self, user_id: str, email: str, name: str, role: str = "customer") -> dict:
        """Create the profile if absent; a conditional upsert, so replays and races create nothing twice."""
        fields: dict = {"email": email, "name": name, "role": role, "phone": None, "addresses": [], "created_at": now()}
        try:
            self.profiles.update_one({"_id": user_id}, {"$setOnInsert": fields}, upsert=True)
        except DuplicateKeyError:  # two upserts raced on real MongoDB; the other one created it
            pass
        return written(self.get(user_id))

    def get(self, user_id: str) -> dict | None:
        return self.profiles.find_one({"_id": user_id})

    def delete(self, user_id: str) -> None:
        """The profile and its addresses (account.deleted)."""
        self.profiles.delete_one({"_id": user_id})

    def mark_verified(self, user_id: str, email: str) -> None:
        """A replay sets it again; an address changed since is left unconfirmed."""
        self.profiles.update_one({"_id": user_id, "email": email}, {"$set": {"email_verified": True}})

    def follow_email(self, user_id: str, email: str, verified: bool, version: int) -> None:
        """The account's address, unless a newer change is applied already (a late replay must not undo an undo)."""
        newer = {"_id": user_id, "$or": [{"email_version": None}, {"email_version": {"$lt": version}}]}
        changes = {"email": email, "email_verified": verified, "email_version": version, "updated_at": now()}
        self.profiles.update_one(newer, {"$set": changes})

    def update(self, user_id: str, changes: dict) -> dict | None:
        return self.profiles.find_one_and_update(
            {"_id": user_id}, {"$set": {**changes, "updated_at": now()}}, return_document=ReturnDocument.AFTER
        )

    def add_address(self, user_id: str, address: dict) -> bool:
        """Append unless the list is full; the size check and the push are one document write."""
        result = self.profiles.update_one(
            {"_id": user_id, f"addresses.{MAX_ADDRESSES - 1}": {"$exists": False}},
            {"$push": {"addresses": address}, "$set": {"updated_at": now()}},
        )
        return result.modified_count == 1

    def delete_address(self, user_id: str, address_id: str) -> bool:
        result = self.profiles.update_one(
            {"_id": user_id, "addresses.id": address_id},
            {"$pull": {"addresses": {"id": address_id}}, "$set": {"updated_at": now()}},
        )
        return result.modified_count == 1

    def page(self, skip: int, limit: int) -> tuple[list[dict], int]:
        docs = self.profiles.find({}).sort([("created_at", ASCENDING), ("_id", ASCENDING)]).skip(skip).limit(limit)
        return list(docs), self.profiles.count_documents({})


class AuditRepository:
    """The back office's audit trail: one entry per `admin.action` event, read per subject, newest first."""

    def __init__(self, collection):
        self.entries = collection

    def add(self, entry_id: str, doc: dict) -> None:
        """The entry, once: a redelivered event finds its id taken and changes nothing."""
        self.entries.update_one({"_id": entry_id}, {"$setOnInsert": doc}, upsert=True)

    def forget_actor(self, user_id: str) -> None:
        """The admin's entries keep their id (an account that is gone), not their email."""
        self.entries.update_many({"actor_id": user_id}, {"$set": {"actor_email": None}})

    def for_subject(self, subject_type: str, subject_id: str, limit: int = 50) -> list[dict]:
        found = self.entries.find({"subject_type": subject_type, "subject_id": subject_id})
        return list(found.sort("at", DESCENDING).limit(limit))
