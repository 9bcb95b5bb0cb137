"""Forgotten passwords: a single-use reset link, stored only as its token's hash, valid for an hour.

The link is `<shop>/reset-password/<token>`; the token is 32 random bytes (URL-safe). Only SHA-256(token) is kept,
so a copy of the database resets nothing. Using a link is one guarded write (unused and unexpired, then marked
used), so two clicks on one link cannot both set a password.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from common.clock import now
from common.errors import AppError
from common.messaging.events import OUTBOX_FIELD, outbox_entries
from common.messaging.messages import PasswordResetRequested

log = logging.getLogger(__name__)
SOURCE = "auth"
LIFETIME = timedelta(hours=1)


class InvalidResetLink(AppError):
    status, code = 404, "RESET_LINK_INVALID"


RESET = "reset"  # the collection also keeps email confirmation links (verification.py), by `purpose`


def _for(purpose: str) -> dict:
    """Reset links were stored before `purpose` existed: a reset is any link that is not for something else."""
    return {"purpose": {"$in": [None, RESET]}} if purpose == RESET else {"purpose": purpose}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ResetRepository:
    """One document per link: `_id` is its token's hash; the reset email leaves through this collection's outbox."""

    def __init__(self, collection):
        self.resets = collection

    def create(self, doc: dict, event) -> None:
        """The link's record and its event, in one document write."""
        self.resets.insert_one({**doc, OUTBOX_FIELD: outbox_entries(event)})

    def take(self, token: str, purpose: str = RESET) -> dict | None:
        """The link's record, marked used by this call; None if unknown, used, expired or for something else."""
        return self.resets.find_one_and_update(
            {"_id": token_hash(token), "used_at": None, "expires_at": {"$gt": now()}, **_for(purpose)},
            {"$set": {"used_at": now()}},
            projection={OUTBOX_FIELD: 0},
        )

    def usable(self, token: str) -> bool:
        live = {"_id": token_hash(token), "used_at": None, "expires_at": {"$gt": now()}, **_for(RESET)}
        return self.resets.find_one(live, {"_id": 1}) is not None

    def look(self, token: str) -> None:
        """A read as costly as a link's write, for an email with no account (the answer must not tell them apart)."""
        self.resets.find_one({"_id": token_hash(token)})


def request_reset(accounts, resets: ResetRepository, limiter, shop_url: str, email: str, ip: str) -> None:
    """Send a reset link to the account with `email`, if there is one. Known or not, the caller hears the same."""
    limiter.hit("reset_ip", ip)
    limiter.hit("reset_account", email)
    token = secrets.token_urlsafe(32)
    account = accounts.by_email(email)
    if account is None:
        resets.look(token)
        log.info("reset asked for an unknown email")
        return
    expires = now() + LIFETIME
    event = PasswordResetRequested(
        user_id=account["_id"],
        email=account["email"],
        name=account.get("name"),
        reset_url=f"{shop_url.rstrip('/')}/reset-password/{token}",
        expires_at=expires.isoformat(),
    ).event(SOURCE)
    doc = {"_id": token_hash(token), "user_id": account["_id"], "expires_at": expires, "used_at": None}
    resets.create({**doc, "created_at": now()}, event)
    log.info("reset link sent", extra={"user_id": account["_id"]})


def check_link(resets: ResetRepository, limiter, token: str, ip: str) -> None:
    """Whether a link may still set a password, without using it (the page says so before the shopper types)."""
    limiter.check("reset_failures", ip)
    if not resets.usable(token):
        limiter.hit("reset_failures", ip)
        raise InvalidResetLink("This reset link is not valid: it was used already, it expired or it is wrong.")


def reset_password(
    accounts, resets: ResetRepository, passwords, tokens, limiter, token: str, new_password: str, ip: str
) -> dict:
    """Set the account's new password with a link's token, once. Every other session of the account ends, and the
    answer is a new pair: the shopper who set it is signed in."""
    limiter.check("reset_failures", ip)
    taken = resets.take(token)
    if taken is None:
        limiter.hit("reset_failures", ip)
        raise InvalidResetLink("This reset link is not valid: it was used already, it expired or it is wrong.")
    account = accounts.credentials(taken["user_id"])
    if account is None:  # deleted since the link was sent
        raise InvalidResetLink("This reset link is not valid: its account no longer exists.")
    accounts.update(taken["user_id"], {"password_hash": passwords.hash(new_password)})
    ended = tokens.revoke_account(taken["user_id"])
    log.info("password reset", extra={"user_id": taken["user_id"], "sessions_ended": ended})
    return tokens.issue(account)
