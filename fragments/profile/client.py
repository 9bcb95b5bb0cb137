"""The profile fragment's calls through the gateway (users API), as the browser's user."""
from __future__ import annotations

from common.address import COUNTRY_MESSAGE
from common.web import api_or_raise

DETAIL_MESSAGES = {
    "name": "Enter your name (up to 100 characters).",
    "phone": "Enter a valid phone number, e.g. +1 555 123 4567.",
}
ADDRESS_MESSAGES = {
    "name": "Enter the recipient's name.",
    "line1": "Enter the street address.",
    "city": "Enter the city.",
    "postal_code": "Enter a valid postal code.",
    "country": COUNTRY_MESSAGE,
}


def _call(method: str, path: str, **kwargs):
    return api_or_raise(method, path, "Your account is unavailable right now. Please try again in a moment.",
                        "USERS_UNAVAILABLE", **kwargs)


def _field_errors(resp, messages: dict) -> dict:
    fields = resp.json().get("details", {}).get("fields", {})
    errors = {k: messages[k] for k in fields if k in messages}
    return errors or {"form": resp.json().get("message", "Please check the form.")}


def profile() -> dict:
    return _call("GET", "/api/users/me").json()


def addresses() -> list[dict]:
    return _call("GET", "/api/users/me/addresses").json().get("items", [])


def update_profile(name: str, phone: str) -> tuple[dict | None, dict]:
    resp = _call("PATCH", "/api/users/me", json={"name": name, "phone": phone})
    return (resp.json(), {}) if resp.status_code == 200 else (None, _field_errors(resp, DETAIL_MESSAGES))


def add_address(fields: dict) -> dict:
    """Field errors, or {} when the address was saved."""
    resp = _call("POST", "/api/users/me/addresses", json=fields)
    return {} if resp.status_code == 201 else _field_errors(resp, ADDRESS_MESSAGES)


def delete_address(address_id: str) -> None:
    _call("DELETE", f"/api/users/me/addresses/{address_id}")
