"""Changing the account's email: a single-use link to the new address confirms it (24 h); the old address then gets
a notice with a single-use undo link (7 days). Both links live beside the reset links (by `purpose`), stored only as
their token's hash, and are taken in one guarded write, so two clicks on one link cannot both succeed.

Every change of the address is one guarded write on the account (its `email_version` must be the one read) that
also announces account.email_changed with the new version, so consumers apply a late replay over nothing newer; a
confirmed change also announces account.email_verified for the new address (a guest's orders with it join)."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from pymongo.errors import DuplicateKeyError

from common.clock import now
from common.errors import AppError, Conflict, Forbidden, Unauthorized
from common.messaging.events import Event, push_outbox
from common.messaging.messages import EmailChanged, EmailChangeRequested, EmailVerified

from .resets import ResetRepository, token_hash

log = logging.getLogger(__name__)
SOURCE = "auth"
CONFIRM_LIFETIME = timedelta(hours=24)
UNDO_LIFETIME = timedelta(days=7)
CONFIRM, UNDO = "email_change", "email_undo"  # the links' `purpose` in the reset links' collection
INVALID = "This link is not valid: it was used already, it expired or it is wrong."
TAKEN = "Another account uses this email address."


class InvalidChangeLink(AppError):
    status, code = 404, "EMAIL_CHANGE_LINK_INVALID"


def request_change(accounts, links: ResetRepository, passwords, limiter, shop_url: str, user_id: str, body) -> dict:
    """Email a confirmation link to the new address, once the current password is given. Nothing changes yet."""
    limiter.check("password_change_failures", user_id)  # the same guessing budget as "Change password"
    limiter.hit("email_change", user_id)
    account = accounts.credentials(user_id)
    if account is None:
        raise Unauthorized("Account no longer exists", code="TOKEN_REVOKED")
    if not passwords.verify(account["password_hash"], body.current_password):
        limiter.hit("password_change_failures", user_id)
        message = "That is not your current password."  # a well-formed request refused: 403, never 422
        raise Forbidden(message, {"fields": {"current_password": message}}, code="WRONG_PASSWORD")
    if body.new_email == account["email"]:
        same = "That is your email address already."
        raise Conflict(same, {"fields": {"new_email": same}}, code="SAME_EMAIL")
    if accounts.by_email(body.new_email) is not None:
        raise Conflict(TAKEN, {"fields": {"new_email": TAKEN}}, code="EMAIL_TAKEN")
    token, expires = secrets.token_urlsafe(32), now() + CONFIRM_LIFETIME
    event = EmailChangeRequested(
        user_id=user_id,
        new_email=body.new_email,
        name=account.get("name"),
        confirm_url=f"{shop_url.rstrip('/')}/confirm-email-change/{token}",
        expires_at=expires.isoformat(),
    ).event(SOURCE)
    doc = {"_id": token_hash(token), "purpose": CONFIRM, "user_id": user_id, "email": account["email"]}
    doc |= {"new_email": body.new_email, "expires_at": expires, "used_at": None, "created_at": now()}
    links.create(doc, event)
    log.info("email change asked", extra={"user_id": user_id})
    return {"new_email": body.new_email, "expires_at": expires.isoformat()}


def _switch(accounts, account: dict, email: str, verified: bool, event_of, *also: Event) -> EmailChanged:
    """The account's address set to `email` if nothing changed it since `account` was read, with its events."""
    version = int(account.get("email_version") or 0)
    message = event_of(version + 1)
    try:
        done = accounts.accounts.update_one(
            {"_id": account["_id"], "email": account["email"], "email_version": account.get("email_version")},
            {
                "$set": {"email": email, "email_verified": verified, "email_version": version + 1},
                "$push": push_outbox(message.event(SOURCE), *also),
            },
        )
    except DuplicateKeyError:  # another account took the address meanwhile (the unique index)
        raise Conflict(TAKEN, code="EMAIL_TAKEN") from None
    if done.matched_count != 1:
        raise InvalidChangeLink("This link is not valid: the account's email address changed since.")
    return message


def _take(links: ResetRepository, limiter, token: str, purpose: str, ip: str) -> dict:
    limiter.check("reset_failures", ip)
    taken = links.take(token, purpose)
    if taken is None:
        limiter.hit("reset_failures", ip)
        raise InvalidChangeLink(INVALID)
    return taken


def confirm_change(accounts, links: ResetRepository, limiter, shop_url: str, token: str, ip: str) -> dict:
    """Use the new address's link, once: the account's address is the new one (confirmed), and the old address is
    sent a notice with an undo link (in the event, which leaves with the account's write)."""
    taken = _take(links, limiter, token, CONFIRM, ip)
    account = accounts.credentials(taken["user_id"])
    if account is None or account["email"] != taken["email"]:
        raise InvalidChangeLink("This link is not valid: the account's email address changed since.")
    undo, expires = secrets.token_urlsafe(32), now() + UNDO_LIFETIME
    links.resets.insert_one(  # no event of its own: the undo link leaves in account.email_changed
        {
            "_id": token_hash(undo),
            "purpose": UNDO,
            "user_id": account["_id"],
            "email": taken["new_email"],
            "old_email": account["email"],
            "old_verified": bool(account.get("email_verified")),
            "expires_at": expires,
            "used_at": None,
            "created_at": now(),
        }
    )

    def event_of(version: int) -> EmailChanged:
        return EmailChanged(
            user_id=account["_id"],
            old_email=account["email"],
            new_email=taken["new_email"],
            email_verified=True,
            version=version,
            changed_at=now().isoformat(),
            name=account.get("name"),
            undo_url=f"{shop_url.rstrip('/')}/undo-email-change/{undo}",
            undo_expires_at=expires.isoformat(),
        )

    # The new address is confirmed by its link: as after "Confirm your email", a guest's orders with it join.
    confirmed = EmailVerified(user_id=account["_id"], email=taken["new_email"]).event(SOURCE)
    _switch(accounts, account, taken["new_email"], True, event_of, confirmed)
    log.info("email changed", extra={"user_id": account["_id"]})
    return {"email": taken["new_email"], "email_verified": True}


def undo_change(accounts, links: ResetRepository, tokens, limiter, token: str, ip: str) -> dict:
    """Use the old address's undo link, once: the account has that address again, every session ends, and every
    other email change link of the account is spent (whoever made the change may have asked for more)."""
    taken = _take(links, limiter, token, UNDO, ip)
    account = accounts.credentials(taken["user_id"])
    if account is None:
        raise InvalidChangeLink("This link is not valid: its account no longer exists.")
    old, verified = taken["old_email"], bool(taken.get("old_verified"))
    if account["email"] != old:

        def event_of(version: int) -> EmailChanged:
            return EmailChanged(
                user_id=account["_id"],
                old_email=account["email"],
                new_email=old,
                email_verified=verified,
                version=version,
                changed_at=now().isoformat(),
                undone=True,
                name=account.get("name"),
            )

        _switch(accounts, account, old, verified, event_of)
    links.resets.update_many(
        {"user_id": account["_id"], "purpose": {"$in": [CONFIRM, UNDO]}, "used_at": None},
        {"$set": {"used_at": now()}},
    )
    ended = tokens.revoke_account(account["_id"])
    log.info("email change undone", extra={"user_id": account["_id"], "sessions_ended": ended})
    return {"email": old}
