"""The profile's "Change email": the new address and the current password; the new address is emailed a link."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from common.web.htmx import redirect_after_post, wants_fragment
from fragments.gateway_api import SignedOut, api_or_outage, retry_after, upstream_failure
from fragments.result import Result, body_of, field_errors
from fragments.sign_in import require_sign_in

bp = Blueprint("profile_email_change", __name__)
require_sign_in(bp, "/profile")
MESSAGES = {"new_email": "Enter a valid email address.", "current_password": "Enter your current password."}
REFUSALS = {  # the API's refusals, said beside the field they are about
    "WRONG_PASSWORD": ("current_password", "That is not your current password."),
    "SAME_EMAIL": ("new_email", "That is your email address already."),
    "EMAIL_TAKEN": ("new_email", "Another account uses this email address."),
}
TOO_MANY = "Too many tries. Please wait a while and try again."
UNAVAILABLE = "Changing your email is unavailable right now. Please try again in a moment."


def request_change(new_email: str, current_password: str) -> Result[dict]:
    """The API's answer once the link is on its way, or the form's errors (422, 409 beside the field; 429)."""
    body = {"new_email": new_email, "current_password": current_password}
    resp = api_or_outage("POST", "/api/auth/email/change", UNAVAILABLE, "AUTH_UNAVAILABLE", json=body)
    if resp.status_code == 202:
        return Result(resp.json())
    if resp.status_code == 401:
        raise SignedOut()
    if resp.status_code == 429:  # said in the form, which stays as typed
        return Result.failed(errors={"form": TOO_MANY}, status=429, headers={"Retry-After": retry_after(resp)})
    if resp.status_code >= 500:
        raise upstream_failure(resp, UNAVAILABLE, "AUTH_UNAVAILABLE")
    refusal = REFUSALS.get(body_of(resp).get("error", ""))
    if refusal:
        return Result.failed(errors={refusal[0]: refusal[1]}, status=409 if resp.status_code == 409 else 422)
    return Result.failed(errors=field_errors(resp, MESSAGES))


@bp.post("/email/change")
def change_email():
    new_email = request.form.get("new_email", "").strip()[:300]
    current = request.form.get("current_password", "")[:200]
    asked = request_change(new_email, current)
    if not asked.ok:
        page = render_template("profile/_email_change.html", change={"new_email": new_email}, errors=asked.errors)
        return page, asked.status, asked.headers
    if not wants_fragment():
        return redirect_after_post("/profile?email_change=sent")
    sent = asked.value["message"] if asked.value else None
    return render_template("profile/_email_change.html", change={}, errors={}, sent=sent)
