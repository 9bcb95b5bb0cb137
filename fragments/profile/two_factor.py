"""The profile's "Two-factor authentication" region (admins): set up TOTP with a QR code, turn it on with a first
code (the recovery codes are shown this once), turn it off with the password."""

from __future__ import annotations

import segno
from flask import Blueprint, make_response, render_template, request
from markupsafe import Markup

from common.auth.session import set_session_cookies
from common.web.htmx import redirect_after_post, wants_fragment
from fragments.result import Result, body_of
from fragments.sign_in import require_sign_in

from . import client

bp = Blueprint("two_factor", __name__, url_prefix="/two-factor")
require_sign_in(bp, "/profile")
REGION = "profile/_two_factor.html"
REQUIRED = "The back office needs two-factor authentication on your account. Set it up here to open it."
TURNED_ON = "Two-factor authentication is on. Every other device is signed out."
TURNED_OFF = "Two-factor authentication is off. Every other device is signed out."
WRONG_CODE = "That code is not right. Check the time on your phone and enter the newest code."
WRONG_PASSWORD = "That is not your password."
SHAPE = {"code": "Enter the 6-digit code your app shows.", "password": "Enter your password."}
TOO_MANY = "Too many tries. Please wait a few minutes and try again."


def qr_svg(uri: str) -> Markup:
    """The setup URI as an inline SVG (no image request, no script); its title names it for screen readers."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff", title="Setup QR code", omitsize=True
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704 (segno's own markup, no user text)


def state() -> dict | None:
    """The region's state for the profile page; None for an account that cannot turn it on (not an admin)."""
    status = client.two_factor_status()
    if not status.get("available") and not status.get("enabled"):
        return None
    setup = status.get("setup")
    return {**status, "qr": qr_svg(setup["otpauth_uri"]) if setup else None}


def region(status: int = 200, two_factor: dict | None = None, **extra):
    """The region alone. `two_factor` when it is known already: after turning it on or off this request's session has
    ended, so the API is not asked again with it."""
    two_factor = two_factor or state() or {"enabled": False, "setup": None, "recovery_codes_left": 0}
    context = {
        "two_factor": two_factor,
        "errors": {},
        "saved": None,
        "message": None,
        "recovery_codes": None,
        "notice": None,
    }
    context.update(extra)
    return render_template(REGION, **context), status


def _refusal(resp, field: str, wrong: str) -> Result[dict]:
    body = body_of(resp)
    if resp.status_code == 429:
        return Result.failed(errors={field: TOO_MANY}, status=429)
    if resp.status_code == 409:  # on or off already (a second tab): the region shows how it is now
        return Result.failed(body.get("message"), status=409)
    if resp.status_code == 422:  # not the shape of a code at all
        return Result.failed(errors={field: SHAPE.get(field, wrong)})
    return Result.failed(errors={field: wrong})  # 403: the wrong code or password


@bp.post("/setup")
def start_setup():
    """A secret to scan; asked twice, the same one (the API keeps the pending one)."""
    resp = client.two_factor("setup")
    if resp.status_code != 200:
        return region(409 if resp.status_code == 409 else 403, message=body_of(resp).get("message"))
    if not wants_fragment():
        return redirect_after_post("/profile#profile-two-factor")
    return region()


@bp.post("/enable")
def turn_on():
    """On with the first code: this browser keeps its session (new cookies), the recovery codes show once."""
    resp = client.two_factor("enable", {"code": request.form.get("code", "")[:64].strip()})
    if resp.status_code != 200:
        refused = _refusal(resp, "code", WRONG_CODE)
        return region(refused.status, errors=refused.errors, message=refused.message)
    pair = resp.json()
    on = {"enabled": True, "setup": None, "recovery_codes_left": len(pair["recovery_codes"])}
    html, _ = region(two_factor=on, saved=TURNED_ON, recovery_codes=pair["recovery_codes"])
    return set_session_cookies(make_response(html), pair)


@bp.post("/disable")
def turn_off():
    """Off with the password: this browser keeps its session (new cookies); every other one ends."""
    answer = client.two_factor("disable", {"password": request.form.get("password", "")[:200]})
    if answer.status_code != 200:
        refused = _refusal(answer, "password", WRONG_PASSWORD)
        return region(refused.status, errors=refused.errors, message=refused.message)
    if wants_fragment():
        off = {"enabled": False, "setup": None, "recovery_codes_left": 0}
        resp = make_response(region(two_factor=off, saved=TURNED_OFF)[0])
    else:
        resp = redirect_after_post("/profile#profile-two-factor")
    return set_session_cookies(resp, answer.json())
