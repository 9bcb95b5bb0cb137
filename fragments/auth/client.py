"""The auth fragment's calls through the gateway."""

from __future__ import annotations

import logging

from common.errors import AppError
from common.platform import platform_of
from fragments.gateway_api import api, retry_after
from fragments.result import Result, body_of, field_errors

log = logging.getLogger(__name__)

# The API's field errors, said the way a shopper needs to hear them.
FIELD_MESSAGES = {
    "email": "Enter a valid email address.",
    "password": "Use a password of 8 to 128 characters.",
    "name": "Enter your name (up to 100 characters).",
}
WRONG_CREDENTIALS = "Wrong email or password."
TOO_MANY = "Too many attempts. Please wait a few minutes and try again."
UNAVAILABLE = "Signing in is unavailable right now. Please try again in a moment."


def _failure(resp) -> Result[dict]:
    if resp.status_code == 422:
        errors = field_errors(resp, FIELD_MESSAGES)
        return Result.failed(errors.pop("form", None), errors)
    if resp.status_code == 429:
        return Result.failed(TOO_MANY, status=429, headers={"Retry-After": retry_after(resp)})
    if resp.status_code == 409:
        return Result.failed(errors={"email": "An account with this email already exists."})
    if resp.status_code == 401:
        return Result.failed(WRONG_CREDENTIALS)
    log.warning("auth API failed", extra={"status": resp.status_code})
    return Result.failed(UNAVAILABLE, status=503)


def _post(path: str, body: dict) -> Result[dict]:
    """The session's tokens, or what the form should say."""
    try:
        resp = api("POST", path, json=body)
    except AppError:
        return Result.failed(UNAVAILABLE, status=503)
    # 202: the password was right and the account asks for a code next (a pending sign-in, no tokens yet).
    return Result(resp.json()) if resp.status_code in (200, 201, 202) else _failure(resp)


def login(email: str, password: str) -> Result[dict]:
    return _post("/api/auth/login", {"email": email, "password": password})


WRONG_CODE = "That code is not right, or was used already. Enter the newest code from your app."
CODE_SHAPE = "Enter the 6-digit code from your app, or one of your recovery codes."
SIGN_IN_EXPIRED = "Your sign-in has expired. Enter your email and password again."


def login_code(challenge: str, code: str) -> Result[dict]:
    """The second step of an account with two-factor sign-in: the session's tokens, or what the form should say
    (status 401 when the pending sign-in is over and the password must be given again)."""
    try:
        resp = api("POST", "/api/auth/login/2fa", json={"challenge": challenge, "code": code})
    except AppError:
        return Result.failed(UNAVAILABLE, status=503)
    if resp.status_code == 200:
        return Result(resp.json())
    body = body_of(resp)
    if resp.status_code == 401 and body.get("error") == "INVALID_CODE":
        return Result.failed(errors={"code": WRONG_CODE})
    if resp.status_code == 422 and "challenge" not in ((body.get("details") or {}).get("fields") or {}):
        return Result.failed(errors={"code": CODE_SHAPE})
    if resp.status_code in (401, 422):  # over (expired, used, five wrong codes), or a mangled one
        return Result.failed(SIGN_IN_EXPIRED, status=401)
    return _failure(resp)


def register(name: str, email: str, password: str) -> Result[dict]:
    return _post("/api/auth/register", {"name": name, "email": email, "password": password})


RESET_SENT = (
    "If an account exists for that email, we've sent it a link to set a new password. It works once, for one hour."
)
RESET_INVALID = "This link has been used already, has expired or is not complete. Ask for a new one."
RESET_FIELDS = {"new_password": "Use a password of 8 to 128 characters.", "email": "Enter a valid email address."}


def forgot_password(email: str) -> Result[dict]:
    """Ask for a reset link; the answer is the same whether or not the email has an account."""
    try:
        resp = api("POST", "/api/auth/password/forgot", json={"email": email})
    except AppError:
        return Result.failed(UNAVAILABLE, status=503)
    if resp.status_code == 202:
        return Result({})
    if resp.status_code == 422:
        return Result.failed(errors={"email": RESET_FIELDS["email"]})
    return _failure(resp)


VERIFY_INVALID = "This confirmation link has been used already, has expired or is not complete."


def verify_email(token: str) -> Result[dict]:
    """Confirm the account's address with its link, once."""
    try:
        resp = api("POST", "/api/auth/email/verify", json={"token": token})
    except AppError:
        return Result.failed(UNAVAILABLE, status=503)
    if resp.status_code == 200:
        return Result(resp.json())
    if resp.status_code in (404, 422):
        message = body_of(resp).get("message") if resp.status_code == 404 else None
        return Result.failed(message or VERIFY_INVALID, status=400)
    return _failure(resp)


def reset_link_usable(token: str) -> bool:
    """Whether the link may still set a password; when the check cannot be made, the form is shown and the reset
    itself says."""
    try:
        return api("POST", "/api/auth/password/reset/check", json={"token": token}).status_code != 404
    except AppError:
        return True


def reset_password(token: str, new_password: str) -> Result[dict]:
    try:
        resp = api("POST", "/api/auth/password/reset", json={"token": token, "new_password": new_password})
    except AppError:
        return Result.failed(UNAVAILABLE, status=503)
    if resp.status_code == 200:
        return Result(resp.json())
    if resp.status_code == 422:
        errors = field_errors(resp, RESET_FIELDS)
        if "token" in errors or not errors:
            return Result.failed(RESET_INVALID, status=400)
        return Result.failed(errors.pop("form", None), errors)
    if resp.status_code == 404:
        return Result.failed(RESET_INVALID, status=400)
    return _failure(resp)


def logout(access_token: str | None, refresh_token: str | None) -> None:
    """Best effort: the cookies go whatever the API says, and revocation is the API's job."""
    headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
    try:
        api("POST", "/api/auth/logout", headers=headers, json={"refresh_token": refresh_token} if refresh_token else {})
    except AppError:
        log.warning("logout call failed; cookies cleared anyway")


def current_user() -> dict | None:
    """The signed-in user's profile, {} if signed in but the profile is unavailable, None if signed out."""
    try:
        resp = api("GET", "/api/users/me", timeout=platform_of().settings.optional_call_timeout)
    except AppError:
        return {}
    if resp.status_code == 200:
        return resp.json()
    return None if resp.status_code == 401 else {}


def merge_guest_cart(access_token: str, cart_id: str) -> bool:
    """Move the guest cart into the account's; True when the guest cart is done with (merged or gone)."""
    try:
        resp = api("POST", "/api/cart/merge", headers={"Authorization": f"Bearer {access_token}", "X-Cart-Id": cart_id})
    except AppError:
        return False
    if resp.status_code >= 300 and resp.status_code != 404:
        log.warning("guest cart merge failed", extra={"status": resp.status_code})
    return resp.status_code < 300 or resp.status_code == 404
