"""Auth HTTP routes of "Change email": ask (signed in), confirm from the new address, undo from the old one."""

from __future__ import annotations

from flask import Blueprint, jsonify
from pydantic import BaseModel

from common.api.openapi import operation
from common.api.validation import Email, StrictModel, parse_body
from common.auth.identity import current_identity, require_user
from common.http.forwarded import client_address

from . import email_change
from .deps import deps
from .routes import spec
from .schemas import LoginPassword, ResetToken

bp = Blueprint("auth_email_change", __name__)


class EmailChangeBody(StrictModel):
    new_email: Email
    current_password: LoginPassword


class EmailChangeAsked(BaseModel):
    message: str
    new_email: str
    expires_at: str


class EmailLinkBody(StrictModel):
    """The token of a "Change email" link: the confirmation (`/confirm-email-change/<token>`) or the undo
    (`/undo-email-change/<token>`)."""

    token: ResetToken


class EmailChangeConfirmed(BaseModel):
    email: str
    email_verified: bool


class EmailChangeUndone(BaseModel):
    email: str
    message: str


@bp.post("/api/auth/email/change")
@require_user
@operation(spec, ok=202, out=EmailChangeAsked, body=EmailChangeBody, auth="user", errors=(403, 409, 429))
def request_email_change():
    """Email a single-use link (24 h) to the new address; the address changes once it is opened. 422
    WRONG_PASSWORD (current_password) or SAME_EMAIL (new_email), 409 EMAIL_TAKEN (new_email), each with the field's
    message in details.fields."""
    d, body = deps(), parse_body(EmailChangeBody)
    asked = email_change.request_change(
        d.repo, d.resets, d.passwords, d.limiter, d.shop_url, current_identity().user_id, body
    )
    message = f"We've emailed a link to {asked['new_email']}. Your email changes once you open it."
    return jsonify(message=message, **asked), 202


@bp.post("/api/auth/email/change/confirm")
@operation(spec, out=EmailChangeConfirmed, body=EmailLinkBody, errors=(404, 409, 429))
def confirm_email_change():
    """Use the new address's link (once): the account's email is the new one, confirmed, and the old address gets an
    undo link. 404 EMAIL_CHANGE_LINK_INVALID (used, expired, unknown, or the address changed since); 409
    EMAIL_TAKEN when another account took the address meanwhile."""
    d = deps()
    token = parse_body(EmailLinkBody).token
    return jsonify(email_change.confirm_change(d.repo, d.resets, d.limiter, d.shop_url, token, client_address()))


UNDONE = (
    "Your email address is {email} again and every device is signed out. "
    "If you did not change it, someone may know your password: reset it."
)


@bp.post("/api/auth/email/change/undo")
@operation(spec, out=EmailChangeUndone, body=EmailLinkBody, errors=(404, 409, 429))
def undo_email_change():
    """Use the old address's undo link (once, 7 days): the account has its old email again and every session ends.
    404 EMAIL_CHANGE_LINK_INVALID; 409 EMAIL_TAKEN when another account took the old address meanwhile."""
    d = deps()
    token = parse_body(EmailLinkBody).token
    undone = email_change.undo_change(d.repo, d.resets, d.tokens, d.limiter, token, client_address())
    return jsonify(email=undone["email"], message=UNDONE.format(email=undone["email"]))
