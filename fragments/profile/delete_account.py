"""The profile's "Delete my account": the password, then the account is gone, this browser signed out."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from common.auth.session import clear_session_cookies
from common.web.htmx import redirect_after_post
from fragments.gateway_api import SignedOut, api_or_outage, retry_after, upstream_failure
from fragments.result import Result, body_of, field_errors
from fragments.sign_in import require_sign_in

bp = Blueprint("profile_delete_account", __name__)
require_sign_in(bp, "/profile")
DELETED_URL = "/login?signed_out=deleted"  # fragments/auth says there that the account is deleted
MESSAGES = {"password": "Enter your password."}
REFUSALS = {  # the API's refusals, said beside the field
    "WRONG_PASSWORD": (422, "That is not your password."),
    "LAST_ADMIN": (409, "You are the last admin: make someone else an admin first."),
}
TOO_MANY = "Too many tries. Please wait a while and try again."
UNAVAILABLE = "Deleting your account is unavailable right now. Please try again in a moment."


def delete(password: str) -> Result[dict]:
    """Done (204), or the form's errors: a refusal beside the password (422, 409), too many tries (429)."""
    resp = api_or_outage(
        "POST", "/api/auth/account/delete", UNAVAILABLE, "AUTH_UNAVAILABLE", json={"password": password}
    )
    if resp.status_code == 204:
        return Result({})
    if resp.status_code == 401:
        raise SignedOut()
    if resp.status_code == 429:
        return Result.failed(errors={"form": TOO_MANY}, status=429, headers={"Retry-After": retry_after(resp)})
    if resp.status_code >= 500:
        raise upstream_failure(resp, UNAVAILABLE, "AUTH_UNAVAILABLE")
    refusal = REFUSALS.get(body_of(resp).get("error", ""))
    if refusal:
        return Result.failed(errors={"password": refusal[1]}, status=refusal[0])
    return Result.failed(errors=field_errors(resp, MESSAGES))


@bp.post("/account/delete")
def delete_account():
    """Gone: this browser's cookies go too, and it lands on the sign-in page, which says the account is deleted."""
    deleted = delete(request.form.get("password", "")[:200])
    if not deleted.ok:
        page = render_template("profile/_delete_account.html", errors=deleted.errors)
        return page, deleted.status, deleted.headers
    return clear_session_cookies(redirect_after_post(DELETED_URL))
