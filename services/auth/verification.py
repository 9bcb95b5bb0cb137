"""Email verification: a single-use link to `<shop>/verify-email/<token>`, valid for 7 days, stored (like a reset
link) only as its token's hash. Confirming is one guarded write on the account (the address must still be the one
the link was sent to) that also announces account.email_verified, so a guest's orders with that address join it."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from common.clock import now
from common.errors import AppError, Conflict, NotFound
from common.messaging.messages import EmailVerificationRequested, EmailVerified

from .resets import ResetRepository, token_hash

log = logging.getLogger(__name__)
SOURCE = "auth"
LIFETIME = timedelta(days=7)
PURPOSE = "verify"  # its links share the reset links' collection; only `purpose` tells them apart
INVALID = "This confirmation link is not valid: it was used already, it expired or it is wrong."


class InvalidVerifyLink(AppError):
    status, code = 404, "VERIFY_LINK_INVALID"


def send_link(links: ResetRepository, shop_url: str, account: dict) -> None:
    """A new confirmation link for the account's current address, by email (its event leaves with the record)."""
    token, expires = secrets.token_urlsafe(32), now() + LIFETIME
    event = EmailVerificationRequested(
        user_id=account["_id"],
        email=account["email"],
        name=account.get("name"),
        verify_url=f"{shop_url.rstrip('/')}/verify-email/{token}",
        expires_at=expires.isoformat(),
    ).event(SOURCE)
    doc = {
        "_id": token_hash(token),
        "purpose": PURPOSE,
        "user_id": account["_id"],
        "email": account["email"],
        "expires_at": expires,
        "used_at": None,
        "created_at": now(),
    }
    links.create(doc, event)


def send_again(accounts, links: ResetRepository, limiter, shop_url: str, user_id: str) -> None:
    """ "Send again" from the profile: a fresh link, unless the address is confirmed already."""
    limiter.hit("verify_resend", user_id)
    account = accounts.credentials(user_id)
    if account is None:
        raise NotFound("No such account")
    if account.get("email_verified"):
        raise Conflict("Your email address is confirmed already.", code="EMAIL_VERIFIED")
    send_link(links, shop_url, account)


def confirm(accounts, links: ResetRepository, limiter, token: str, ip: str) -> dict:
    """Use a confirmation link, once: the account's address (if it is still the one the link went to) is confirmed."""
    limiter.check("reset_failures", ip)
    taken = links.take(token, PURPOSE)
    if taken is None:
        limiter.hit("reset_failures", ip)
        raise InvalidVerifyLink(INVALID)
    event = EmailVerified(user_id=taken["user_id"], email=taken["email"]).event(SOURCE)
    if not accounts.mark_verified(taken["user_id"], taken["email"], event):
        raise InvalidVerifyLink("This confirmation link is not valid: the account's email address changed since.")
    log.info("email confirmed", extra={"user_id": taken["user_id"]})
    return {"email": taken["email"], "email_verified": True}
