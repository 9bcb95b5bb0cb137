"""The checkout fragment's calls through the gateway, as the browser's user."""

from __future__ import annotations

from common.errors import NotFound
from common.gateway_api import api_or_raise
from fragments.result import Result, body_of, field_errors

CARD_MESSAGES = {
    "card_number": "Check the card number.",
    "exp": "This card has expired.",
    "exp_month": "Enter the expiry as MM/YY.",
    "exp_year": "Enter the expiry as MM/YY.",
    "cvc": "Enter the 3-digit code on the back (4 on the front for American Express).",
}
EXPIRY_FIELDS = {"exp": "expiry", "exp_month": "expiry", "exp_year": "expiry"}  # the form asks for MM/YY at once


def _call(method: str, path: str, **kwargs):
    return api_or_raise(
        method,
        path,
        "Checkout is unavailable right now. Please try again in a moment.",
        "CHECKOUT_UNAVAILABLE",
        **kwargs,
    )


def addresses() -> list[dict]:
    resp = _call("GET", "/api/users/me/addresses")
    return resp.json().get("items", []) if resp.status_code == 200 else []


def cart() -> dict:
    return _call("GET", "/api/cart").json()


def tokenise(number: str, month: int, year: int, cvc: str) -> Result[dict]:
    """The method {token, brand, last4}, or what the card form should say. The number goes to the payments API and
    nowhere else."""
    resp = _call(
        "POST", "/api/payments/methods", json={"card_number": number, "exp_month": month, "exp_year": year, "cvc": cvc}
    )
    if resp.status_code == 201:
        return Result(resp.json())
    return Result.failed(
        errors=field_errors(
            resp, CARD_MESSAGES, aliases=EXPIRY_FIELDS, where="card_number", other="This card was not accepted."
        )
    )


def phone() -> str | None:
    """The phone on the shopper's profile, for delivery texts; none is fine."""
    resp = _call("GET", "/api/users/me")
    return resp.json().get("phone") if resp.status_code == 200 else None


# The API's refusals that the shopper can act on, said their way.
PLACE_MESSAGES = {
    "CART_EMPTY": "Your cart is empty.",
    "IDEMPOTENCY_KEY_REUSED": "Your cart changed while this order was being placed. Please review it again.",
}


def place(key: str, address: dict, token: str, phone: str | None) -> Result[dict]:
    """The order, which takes the shopper's cart (the same key always answers with the same order), or why not."""
    body = {"address": address, "payment_token": token, **({"phone": phone} if phone else {})}
    resp = _call("POST", "/api/orders", json=body, headers={"Idempotency-Key": key})
    if resp.status_code == 202:
        return Result(resp.json())
    refused = body_of(resp)
    return Result.failed(
        PLACE_MESSAGES.get(refused.get("error", "")) or refused.get("message") or "The order could not be placed."
    )


def order(order_id: str) -> dict:
    resp = _call("GET", f"/api/orders/{order_id}")
    if resp.status_code == 404:
        raise NotFound("We couldn't find that order")
    return resp.json()
