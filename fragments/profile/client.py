"""The profile fragment's calls through the gateway (users and orders APIs), as the browser's user."""

from __future__ import annotations

from common.api.address import COUNTRY_MESSAGE
from common.auth import order_links
from common.errors import NotFound
from common.ids import is_id
from fragments.gateway_api import api_or_raise
from fragments.result import Result, body_of, field_errors

DETAIL_MESSAGES = {
    "name": "Enter your name (up to 100 characters).",
    "phone": "Enter a valid phone number, e.g. +1 415 555 2671.",
}
ADDRESS_MESSAGES = {
    "name": "Enter the recipient's name.",
    "line1": "Enter the street address.",
    "city": "Enter the city.",
    "postal_code": "Enter a valid postal code.",
    "country": COUNTRY_MESSAGE,
}


def _call(method: str, path: str, **kwargs):
    return api_or_raise(
        method,
        path,
        "Your account is unavailable right now. Please try again in a moment.",
        "USERS_UNAVAILABLE",
        **kwargs,
    )


def profile() -> dict:
    return _call("GET", "/api/users/me").json()


def addresses() -> list[dict]:
    return _call("GET", "/api/users/me/addresses").json().get("items", [])


def update_profile(name: str, phone: str) -> Result[dict]:
    resp = _call("PATCH", "/api/users/me", json={"name": name, "phone": phone})
    if resp.status_code == 200:
        return Result(resp.json())
    return Result.failed(errors=field_errors(resp, DETAIL_MESSAGES))


def add_address(fields: dict) -> Result[dict]:
    resp = _call("POST", "/api/users/me/addresses", json=fields)
    if resp.status_code == 201:
        return Result(resp.json())
    return Result.failed(errors=field_errors(resp, ADDRESS_MESSAGES))


PASSWORD_MESSAGES = {
    "current_password": "Enter your current password.",
    "new_password": "Use 8 to 128 characters.",
}


def change_password(current: str, new: str) -> Result[dict]:
    """A new token pair for this device once the password is changed (every other session has ended)."""
    resp = _call("POST", "/api/auth/password", json={"current_password": current, "new_password": new})
    if resp.status_code == 200:
        return Result(resp.json())
    if resp.status_code == 429:
        return Result.failed(errors={"form": "Too many tries. Please wait a few minutes and try again."}, status=429)
    errors = field_errors(resp, PASSWORD_MESSAGES)
    if body_of(resp).get("error") == "WRONG_PASSWORD":
        errors = {"current_password": "That is not your current password."}
    return Result.failed(errors=errors)


def two_factor_status() -> dict:
    """{enabled, available, recovery_codes_left, setup}: `available` for accounts that may turn it on (admins)."""
    return _call("GET", "/api/auth/2fa").json()


def two_factor(action: str, body: dict | None = None):
    """POST /api/auth/2fa/<setup|enable|disable>: the answer as it is (the region says what each status means)."""
    return _call("POST", f"/api/auth/2fa/{action}", json=body)


def send_verification() -> Result[dict]:
    """A new email confirmation link; refused once the address is confirmed (409) or too often (429)."""
    resp = _call("POST", "/api/auth/email/verify/resend")
    if resp.status_code == 202:
        return Result({})
    if resp.status_code == 409:
        return Result.failed("Your email address is confirmed already.", status=409)
    return Result.failed(body_of(resp).get("message") or "We couldn't send a new link. Try again later.", status=422)


def sign_out_everywhere() -> None:
    """End every session of the account (this one too)."""
    _call("POST", "/api/auth/logout-everywhere")


def delete_address(address_id: str) -> None:
    _call("DELETE", f"/api/users/me/addresses/{address_id}")


def orders(**params) -> dict:
    """One page of the shopper's orders, newest first."""
    return _call("GET", "/api/orders", params=params).json()


def order(order_id: str) -> dict:
    resp = _call("GET", f"/api/orders/{order_id}") if is_id(order_id) else None
    if resp is None or resp.status_code == 404:
        raise NotFound("We couldn't find that order")
    return resp.json()


def cancel(order_id: str) -> Result[dict]:
    """The cancelled order, or why it can no longer be cancelled."""
    resp = _call("POST", f"/api/orders/{order_id}/cancel")
    if resp.status_code == 202:
        return Result(resp.json())
    return Result.failed(body_of(resp).get("message") or "This order can no longer be cancelled.", status=409)


def linked_order(token: str) -> dict:
    """The order a signed link names; anything else is the same 404 as an unknown order."""
    resp = _call("GET", f"/api/orders/link/{token}") if order_links.looks_like_token(token) else None
    if resp is None or resp.status_code == 404:
        raise NotFound("We couldn't find that order")
    return resp.json()


def cancel_linked(token: str) -> Result[dict]:
    resp = _call("POST", f"/api/orders/link/{token}/cancel")
    if resp.status_code == 202:
        return Result(resp.json())
    return Result.failed(body_of(resp).get("message") or "This order can no longer be cancelled.", status=409)
