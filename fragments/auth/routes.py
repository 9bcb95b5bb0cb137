"""Auth fragments: sign in, sign up, sign out, and the account badge in the header."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Blueprint, make_response, render_template, request

from common.auth.session import ACCESS_COOKIE, CART_COOKIE, REFRESH_COOKIE, clear_session_cookies, set_session_cookies
from common.web.cacheable import PERSONAL, per_session, signed_out
from common.web.htmx import redirect_after_post, safe_path

from . import client

bp = Blueprint("auth", __name__)
# How long a shopper's own badge may be reused: the shell drops it at once on any write it relays for the
# session (a new name, a sign-out), so this bounds only changes made elsewhere (another shell, the API).
BADGE_MAX_AGE = 10
NO_RETURN = {"/login", "/register", "/logout"}
SIGNED_OUT_EVERYWHERE = "You are signed out on every device. Sign in again here."
ACCOUNT_DELETED = "Your account is deleted and every device is signed out. Your orders are kept without your details."
NOTICES = {("signed_out", "everywhere"): SIGNED_OUT_EVERYWHERE, ("signed_out", "deleted"): ACCOUNT_DELETED}
RESET_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")


def after_sign_in(value: str | None) -> str:
    """A path on this site to return to after signing in, never back to the sign-in pages themselves."""
    target = safe_path(value)
    return "/" if urlsplit(target).path in NO_RETURN else target


def _signed_in(tokens: dict, next_url: str):
    resp = redirect_after_post(next_url)
    set_session_cookies(resp, tokens)
    cart_id = request.cookies.get(CART_COOKIE)
    if cart_id and client.merge_guest_cart(tokens["access_token"], cart_id):
        resp.delete_cookie(CART_COOKIE, path="/")
    return resp


def _form(*names: str) -> dict:
    """What was typed, trimmed (a phone's keyboard adds a space after an address; the API takes text as sent)."""
    return {n: request.form.get(n, "").strip()[:512] for n in names}


@bp.get("/login")
def login_form():
    form = {"email": "", "next": after_sign_in(request.args.get("next"))}
    notice = next((text for (arg, value), text in NOTICES.items() if request.args.get(arg) == value), None)
    return render_template("auth/_login.html", form=form, errors={}, message=None, notice=notice)


@bp.post("/login")
def login():
    form = {**_form("email"), "next": after_sign_in(request.form.get("next"))}
    result = client.login(form["email"], request.form.get("password", ""))
    if result.ok and result.value and result.value.get("two_factor_required"):
        return render_template(
            "auth/_login_code.html", form=form, challenge=result.value["challenge"], errors={}, message=None
        )
    if result.ok:
        return _signed_in(result.value, form["next"])
    return (
        render_template(
            "auth/_login.html", form=form, errors=result.errors, message=result.message or client.WRONG_CREDENTIALS
        ),
        result.status,
        result.headers,
    )


@bp.post("/login/code")
def login_code():
    """The second step for an account with two-factor sign-in: the code (or a recovery code) completes it. When the
    pending sign-in is over (expired, used, too many wrong codes), the password form again, saying so."""
    form = {**_form("email", "challenge"), "next": after_sign_in(request.form.get("next"))}
    result = client.login_code(form["challenge"], request.form.get("code", "")[:64].strip())
    if result.ok:
        return _signed_in(result.value, form["next"])
    if result.status == 401:
        page = render_template("auth/_login.html", form=form, errors={}, message=result.message, notice=None)
        return page, 422
    page = render_template(
        "auth/_login_code.html", form=form, challenge=form["challenge"], errors=result.errors, message=result.message
    )
    return page, result.status, result.headers


@bp.get("/forgot-password")
def forgot_form():
    return render_template("auth/_forgot.html", form={"email": ""}, errors={}, message=None, sent=False)


@bp.post("/forgot-password")
def forgot():
    """The same answer for any well-formed email, so the page tells nobody which addresses have accounts."""
    form = _form("email")
    result = client.forgot_password(form["email"].strip())
    if result.ok:
        return render_template("auth/_forgot.html", form=form, errors={}, message=None, sent=True)
    return (
        render_template("auth/_forgot.html", form=form, errors=result.errors, message=result.message, sent=False),
        result.status,
        result.headers,
    )


@bp.get("/reset-password/<token>")
def reset_form(token):
    valid = RESET_TOKEN.fullmatch(token) is not None and client.reset_link_usable(token)
    return render_template(
        "auth/_reset.html", token=token, errors={}, message=None if valid else client.RESET_INVALID, spent=not valid
    )


@bp.post("/reset-password/<token>")
def reset(token):
    if RESET_TOKEN.fullmatch(token) is None:
        return render_template(
            "auth/_reset.html", token=token, errors={}, message=client.RESET_INVALID, spent=True
        ), 400
    result = client.reset_password(token, request.form.get("new_password", ""))
    if result.ok:  # signed in with the new password; every other device was signed out
        return _signed_in(result.value, "/profile?password=reset")
    spent = result.status == 400  # used, expired or unknown: only a new link helps
    page = render_template("auth/_reset.html", token=token, errors=result.errors, message=result.message, spent=spent)
    return page, result.status, result.headers


@bp.get("/verify-email/<token>")
def verify_form(token):
    """The link from "Confirm your email": a button, since opening a link must not confirm (scanners open them)."""
    if RESET_TOKEN.fullmatch(token) is None:
        return render_template("auth/_verify.html", token=token, done=None, message=client.VERIFY_INVALID)
    return render_template("auth/_verify.html", token=token, done=None, message=None)


@bp.post("/verify-email/<token>")
def verify(token):
    if RESET_TOKEN.fullmatch(token) is None:
        return render_template("auth/_verify.html", token=token, done=None, message=client.VERIFY_INVALID), 400
    result = client.verify_email(token)
    if not result.ok:
        page = render_template("auth/_verify.html", token=token, done=None, message=result.message)
        return page, result.status, result.headers
    return render_template("auth/_verify.html", token=token, done=result.value["email"], message=None)


@bp.get("/register")
def register_form():
    form = {"name": "", "email": "", "next": after_sign_in(request.args.get("next"))}
    return render_template("auth/_register.html", form=form, errors={}, message=None)


@bp.post("/register")
def register():
    form = {**_form("name", "email"), "next": after_sign_in(request.form.get("next"))}
    result = client.register(form["name"], form["email"], request.form.get("password", ""))
    if result.ok:
        return _signed_in(result.value, form["next"])
    return (
        render_template("auth/_register.html", form=form, errors=result.errors, message=result.message),
        result.status,
        result.headers,
    )


@bp.get("/logout")
def logout_form():
    signed_in = bool(request.cookies.get(ACCESS_COOKIE) or request.cookies.get(REFRESH_COOKIE))
    return render_template("auth/_logout.html", signed_in=signed_in)


@bp.post("/logout")
def logout():
    client.logout(request.cookies.get(ACCESS_COOKIE), request.cookies.get(REFRESH_COOKIE))
    return clear_session_cookies(redirect_after_post("/"))


@bp.get("/badge/signed-out")
@signed_out
def signed_out_badge():
    """The badge of every browser without a session: the shell asks for this one for them, from its cache."""
    return render_template("auth/_badge.html", user=None)


@bp.get("/badge")
@per_session(BADGE_MAX_AGE)
def badge():
    user = client.current_user() if request.cookies.get(ACCESS_COOKIE) else None
    resp = make_response(render_template("auth/_badge.html", user=user))
    if user == {}:  # signed in, profile unavailable: not worth keeping
        resp.headers["Cache-Control"] = PERSONAL
    return resp
