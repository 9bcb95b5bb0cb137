"""Roles in the back office: list accounts, make an admin or take the role away, never removing the last admin.

The rule spans documents, so it is kept by a counter document changed with conditional single-document updates:
a demotion first takes one off the count only while it is above one (atomic), then changes the account; any
promotion adds one after the account changed. Between the two writes the count can only be low, never high, so
the worst a race does is refuse a demotion that could have gone through."""

from __future__ import annotations

import re
from datetime import datetime

from pymongo import DESCENDING

from common.api.paging import PageQuery, page_of
from common.auth.identity import Identity
from common.errors import Conflict, NotFound
from common.mongo.moves import move

ADMINS = "admins"
ROLES = ("customer", "admin")


def public(account: dict) -> dict:
    created = account.get("created_at")
    return {
        "id": account["_id"],
        "email": account["email"],
        "name": account.get("name", ""),
        "role": account.get("role", "customer"),
        "created_at": created.isoformat() if isinstance(created, datetime) else created,
    }


class Roles:
    def __init__(self, accounts, counters):
        self.accounts, self.counters = accounts, counters

    def count_existing(self) -> None:
        """At start: the counter is made once from the accounts (later starts keep it as it is)."""
        n = self.accounts.count_documents({"role": "admin"})
        self.counters.update_one({"_id": ADMINS}, {"$setOnInsert": {"count": n}}, upsert=True)

    def promoted(self) -> None:
        self.counters.update_one({"_id": ADMINS}, {"$inc": {"count": 1}}, upsert=True)

    def admins(self) -> int:
        return (self.counters.find_one({"_id": ADMINS}) or {}).get("count", 0)

    def search(self, q: str, role: str, query: PageQuery) -> dict:
        f: dict = {"deleted_at": None}  # a deleted account's tombstone is nobody's (deletion.py)
        if q:
            literal = re.escape(q)  # typed text is matched literally, never as a pattern
            f["$or"] = [{"email": {"$regex": literal, "$options": "i"}}, {"name": {"$regex": literal, "$options": "i"}}]
        if role:
            f["role"] = role
        total = self.accounts.count_documents(f)
        docs = self.accounts.find(f, {"password_hash": 0, "_outbox": 0}).sort([("created_at", DESCENDING), ("_id", 1)])
        items = [public(d) for d in docs.skip(query.skip).limit(query.per_page)]
        return {**page_of(items, total, query), "admins": self.admins()}

    def get(self, account_id: str) -> dict:
        found = self.accounts.find_one({"_id": account_id}, {"password_hash": 0, "_outbox": 0})
        if found is None:
            raise NotFound("Account not found", code="ACCOUNT_NOT_FOUND")
        return public(found)

    def set_role(self, account_id: str, role: str, audit_for=None) -> tuple[dict, dict]:
        """The account before and after; setting the role it already has changes nothing. The admin's audit entry
        (`audit_for(before, after)`) rides in the same write as the change (the account's outbox)."""
        before = self.get(account_id)
        if before["role"] == role:
            return before, before
        events = [] if audit_for is None else [audit_for({"role": before["role"]}, {"role": role})]
        if role == "admin":
            changed = self._update({"_id": account_id, "role": {"$ne": "admin"}}, role, events)
            if changed is not None:
                self.promoted()
            return before, changed or self.get(account_id)
        if self.counters.find_one_and_update({"_id": ADMINS, "count": {"$gt": 1}}, {"$inc": {"count": -1}}) is None:
            raise Conflict("This is the last admin: make someone else an admin first", code="LAST_ADMIN")
        changed = self._update({"_id": account_id, "role": "admin"}, role, events)
        if changed is None:  # someone else took the role away meanwhile: give the count back
            self.promoted()
            return before, self.get(account_id)
        return before, changed

    def _update(self, where: dict, role: str, events=()) -> dict | None:
        doc = move(self.accounts, where, {"$set": {"role": role}}, tuple(events), {"password_hash": 0, "_outbox": 0})
        return public(doc) if doc else None


class AccountIdentity:
    """user_lookup_loader of the auth service: the role is the account's as it is now, so an admin whose role was
    taken away cannot change roles with a token issued before."""

    def __init__(self, accounts):
        self.accounts = accounts

    def __call__(self, _header: dict, claims: dict) -> Identity | None:
        account = self.accounts.find_one(
            {"_id": str(claims["sub"])}, {"role": 1, "email": 1, "name": 1, "deleted_at": 1}
        )
        if account is None or account.get("deleted_at"):
            return None
        return Identity(
            user_id=account["_id"],
            role=account.get("role", "customer"),
            email=account.get("email"),
            name=account.get("name"),
        )
