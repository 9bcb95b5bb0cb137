"""The two links of "Change email": confirming the new address, and undoing the change from the old one. Opening a
link changes nothing (mail scanners open links too): each page asks with a button, a form that works without JS."""

from __future__ import annotations

import logging

from flask import Blueprint, make_response, render_template

from common.auth.session import clear_session_cookies
from common.errors import AppError
from fragments.gateway_api import api, retry_after
from fragments.result import Result, body_of

from .routes import RESET_TOKEN

log = logging.getLogger(__name__)
bp = Blueprint("auth_email_change", __name__)
INVALID = "This link has been used already, has expired or is not complete."
UNAVAILABLE = "This is unavailable right now. Please try again in a moment."
TOO_MANY = "Too many attempts. Please wait a few minutes and try again."
PAGES = {"confirm": "auth/_email_change_confirm.html", "undo": "auth/_email_change_undo.html"}


def _use(kind: str, token: str) -> Result[dict]:
    """POST the link's token to the auth API: its answer, or what the page should say."""
    try:
        resp = api("POST", f"/api/auth/email/change/{kind}", json={"token": token})
    except AppError:
        return Result.failed(UNAVAILABLE, status=503)
    if resp.status_code == 200:
        return Result(resp.json())
    if resp.status_code in (404, 409, 422):
        message = body_of(resp).get("message") if resp.status_code != 422 else None
        return Result.failed(message or INVALID, status=resp.status_code if resp.status_code == 409 else 400)
    if resp.status_code == 429:
        return Result.failed(TOO_MANY, status=429, headers={"Retry-After": retry_after(resp)})
    log.warning("email change API failed", extra={"status": resp.status_code})
    return Result.failed(UNAVAILABLE, status=503)


def _page(kind: str, token: str, done=None, message=None):
    return render_template(PAGES[kind], token=token, done=done, message=message)


@bp.get("/confirm-email-change/<token>")
def confirm_form(token):
    return _page("confirm", token, message=None if RESET_TOKEN.fullmatch(token) else INVALID)


@bp.post("/confirm-email-change/<token>")
def confirm(token):
    if RESET_TOKEN.fullmatch(token) is None:
        return _page("confirm", token, message=INVALID), 400
    result = _use("confirm", token)
    if not result.ok:
        return _page("confirm", token, message=result.message), result.status, result.headers
    return _page("confirm", token, done=result.value["email"])


@bp.get("/undo-email-change/<token>")
def undo_form(token):
    return _page("undo", token, message=None if RESET_TOKEN.fullmatch(token) else INVALID)


@bp.post("/undo-email-change/<token>")
def undo(token):
    if RESET_TOKEN.fullmatch(token) is None:
        return _page("undo", token, message=INVALID), 400
    result = _use("undo", token)
    if not result.ok:
        return _page("undo", token, message=result.message), result.status, result.headers
    # Every session of the account ended: this browser's cookies go too, whoever's they were.
    return clear_session_cookies(make_response(_page("undo", token, done=result.value["email"])))
