"""The auth fragment's calls through the gateway."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask import current_app

from common.errors import AppError
from common.web import api, retry_after

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


@dataclass
class AuthResult:
    tokens: dict | None = None
    status: int = 200
    message: str | None = None
    errors: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)  # Retry-After on a rate limit


def _failure(resp) -> AuthResult:
    try:
        body = resp.json()
    except ValueError:
        body = {}
    if resp.status_code == 422:
        fields = body.get("details", {}).get("fields", {})
        return AuthResult(status=422, errors={k: FIELD_MESSAGES.get(k, "Check this field.") for k in fields
                                           if k in FIELD_MESSAGES}, message=None if fields else body.get("message"))
    if resp.status_code == 429:
        return AuthResult(status=429, message=TOO_MANY, headers={"Retry-After": retry_after(resp)})
    if resp.status_code == 409:
        return AuthResult(status=422, errors={"email": "An account with this email already exists."})
    if resp.status_code == 401:
        return AuthResult(status=422, message=WRONG_CREDENTIALS)
    log.warning("auth API failed", extra={"status": resp.status_code})
    return AuthResult(status=503, message=UNAVAILABLE)


def _post(path: str, body: dict) -> AuthResult:
    try:
        resp = api("POST", path, json=body)
    except AppError:
        return AuthResult(status=503, message=UNAVAILABLE)
    return AuthResult(tokens=resp.json()) if resp.status_code in (200, 201) else _failure(resp)


def login(email: str, password: str) -> AuthResult:
    return _post("/api/auth/login", {"email": email, "password": password})


def register(name: str, email: str, password: str) -> AuthResult:
    return _post("/api/auth/register", {"name": name, "email": email, "password": password})


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
        resp = api("GET", "/api/users/me", timeout=current_app.extensions["settings"].optional_call_timeout)
    except AppError:
        return {}
    if resp.status_code == 200:
        return resp.json()
    return None if resp.status_code == 401 else {}


def merge_guest_cart(access_token: str, cart_id: str) -> bool:
    """Move the guest cart into the account's; True when the guest cart is done with (merged or gone)."""
    try:
        resp = api("POST", "/api/cart/merge", headers={"Authorization": f"Bearer {access_token}",
                                                        "X-Cart-Id": cart_id})
    except AppError:
        return False
    if resp.status_code >= 300 and resp.status_code != 404:
        log.warning("guest cart merge failed", extra={"status": resp.status_code})
    return resp.status_code < 300 or resp.status_code == 404
