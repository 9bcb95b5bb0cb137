"""Profile fragments: the account page, the details form and the address book."""

from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template, request

from common.api import address
from common.auth.session import clear_session_cookies, set_session_cookies
from common.errors import NotFound
from common.ids import is_minted_id
from common.web.htmx import HX_TRIGGER, redirect_after_post, wants_fragment
from fragments.sign_in import require_sign_in

from . import client, two_factor

bp = Blueprint("profile", __name__)
require_sign_in(bp, "/profile")


def _form(*names: str) -> dict:
    return {n: request.form.get(n, "").strip()[:300] for n in names}


def _addresses(status: int = 200, form: dict | None = None, errors: dict | None = None, saved: str | None = None):
    return render_template(
        "profile/_addresses.html", addresses=client.addresses(), form=form or {}, errors=errors or {}, saved=saved
    ), status


PASSWORD_RESET = "Your new password is set. Every other device is signed out."


@bp.get("/")
def page():
    """The profile; after a reset link set the password (?password=reset), its section says so."""
    reset = PASSWORD_RESET if request.args.get("password") == "reset" else None
    return render_template(
        "profile/_page.html",
        profile=client.profile(),
        addresses=client.addresses(),
        form={},
        errors={},
        saved=None,
        password_saved=reset,
        email_sent=EMAIL_SENT if request.args.get("email") == "sent" else None,
        two_factor=two_factor.state(),
        two_factor_notice=two_factor.REQUIRED if request.args.get("two_factor") == "required" else None,
    )


EMAIL_SENT = "A new confirmation link is on its way. It works for 7 days."


@bp.post("/email/verify")
def send_verification_again():
    """ "Send again": a new confirmation link to the account's address."""
    sent = client.send_verification()
    if not wants_fragment() and sent.ok:
        return redirect_after_post("/profile?email=sent")
    page = render_template(
        "profile/_email.html",
        profile=client.profile(),
        sent=EMAIL_SENT if sent.ok else None,
        error=None if sent.ok else sent.message,
    )
    return page, sent.status if not sent.ok else 200


@bp.post("/details")
def update_details():
    form = _form("name", "phone")
    saved = client.update_profile(form["name"], form["phone"])
    if not saved.ok:
        current = client.profile()
        return render_template(
            "profile/_details.html", profile={**current, **form}, errors=saved.errors, saved=None
        ), saved.status
    if not wants_fragment():
        return redirect_after_post("/profile")
    html = render_template("profile/_details.html", profile=saved.value, errors={}, saved="Your details are saved.")
    # The header's account badge listens for this, so the new name shows there without a reload.
    return Response(html, headers={HX_TRIGGER: "profile-changed"})


PASSWORD_CHANGED = "Your password is changed. Every other device is signed out."


@bp.post("/password")
def change_password():
    """The password, changed; this browser keeps signed in with the new session's cookies."""
    current, new = (request.form.get(n, "")[:200] for n in ("current_password", "new_password"))
    changed = client.change_password(current, new)
    if not changed.ok:
        return render_template("profile/_password.html", errors=changed.errors, saved=None), changed.status
    if wants_fragment():
        resp = make_response(render_template("profile/_password.html", errors={}, saved=PASSWORD_CHANGED))
    else:
        resp = redirect_after_post("/profile")
    return set_session_cookies(resp, changed.value)


@bp.post("/sign-out-everywhere")
def sign_out_everywhere():
    """Every session of the account ends, this browser's too: its cookies go, and it lands on the sign-in page."""
    client.sign_out_everywhere()
    return clear_session_cookies(redirect_after_post("/login?signed_out=everywhere"))


@bp.post("/addresses")
def add_address():
    form = _form(*address.NAMES)
    added = client.add_address(form)
    if not added.ok:
        return _addresses(added.status, form=form, errors=added.errors)
    if not wants_fragment():
        return redirect_after_post("/profile")
    return _addresses(saved="Address added.")


@bp.post("/addresses/<address_id>/delete")
def delete_address(address_id):
    if not is_minted_id(address_id):
        raise NotFound("We couldn't find that address")
    client.delete_address(address_id)
    if not wants_fragment():
        return redirect_after_post("/profile")
    return _addresses(saved="Address deleted.")
