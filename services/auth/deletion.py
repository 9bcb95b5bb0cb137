"""Deleting an account ("Delete my account"): the password, then one write that anonymises the account and carries
account.deleted in its outbox; every session ends. The document stays as a tombstone (its outbox must leave, and
the unique email index needs a value), with nothing personal in it: an address nobody can type, no name, no
password, no admin role.

The last admin cannot delete itself: as a demotion does (roles.py), the admins' count is taken down first, only
while it is above one, and given back if the account's write does not happen."""

from __future__ import annotations

import logging

from common.clock import now
from common.errors import Conflict, Forbidden, Unauthorized
from common.messaging.events import push_outbox
from common.messaging.messages import AccountDeleted

from .roles import ADMINS

log = logging.getLogger(__name__)
SOURCE = "auth"
KEPT = {"_id", "_outbox", "created_at"}  # everything else on the account is personal, or about a person
WRONG = "That is not your password."
LAST_ADMIN = "You are the last admin: make someone else an admin first."


def tombstone_email(user_id: str) -> str:
    # .invalid is reserved (RFC 2606): no mail goes there, and the sign-in form refuses it.
    return f"deleted-{user_id}@deleted.invalid"


def delete_account(accounts, roles, passwords, tokens, two_factor, limiter, user_id: str, password: str) -> str:
    """The account anonymised with account.deleted in the same write; every session ended. Its deleted_at."""
    limiter.check("password_change_failures", user_id)  # the same guessing budget as "Change password"
    account = accounts.credentials(user_id)
    if account is None or account.get("deleted_at"):
        raise Unauthorized("Account no longer exists", code="TOKEN_REVOKED")
    if not passwords.verify(account.get("password_hash"), password):
        limiter.hit("password_change_failures", user_id)
        raise Forbidden(WRONG, {"fields": {"password": WRONG}}, code="WRONG_PASSWORD")
    admin = account.get("role") == "admin"
    if (
        admin
        and roles.counters.find_one_and_update({"_id": ADMINS, "count": {"$gt": 1}}, {"$inc": {"count": -1}}) is None
    ):
        raise Conflict(LAST_ADMIN, {"fields": {"password": LAST_ADMIN}}, code="LAST_ADMIN")
    at = now()
    gone = {"email": tombstone_email(user_id), "name": "", "role": "customer", "password_hash": None, "deleted_at": at}
    event = AccountDeleted(user_id=user_id, deleted_at=at.isoformat()).event(SOURCE)
    done = accounts.accounts.update_one(
        {"_id": user_id, "deleted_at": None, "password_hash": account.get("password_hash")},
        {
            "$set": gone,
            "$unset": {k: "" for k in account if k not in KEPT and k not in gone} or {"email_version": ""},
            "$push": push_outbox(event),
        },
    )
    if done.matched_count != 1:  # deleted, or its password changed, meanwhile
        if admin:
            roles.promoted()
        raise Unauthorized("Account no longer exists", code="TOKEN_REVOKED")
    two_factor.docs.delete_one({"_id": user_id})
    ended = tokens.revoke_account(user_id)
    log.info("account deleted", extra={"user_id": user_id, "sessions_ended": ended})
    return at.isoformat()
