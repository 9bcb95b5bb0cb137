"""The checkout fragment's calls through the gateway, as the browser's user."""
from __future__ import annotations

from common.errors import NotFound
from common.web import api_or_raise

CARD_MESSAGES = {
    "card_number": "Check the card number.",
    "exp": "This card has expired.",
    "exp_month": "Enter the expiry as MM/YY.",
    "exp_year": "Enter the expiry as MM/YY.",
    "cvc": "Enter the 3-digit code on the back (4 on the front for American Express).",
}


def _call(method: str, path: str, **kwargs):
    return api_or_raise(method, path, "Checkout is unavailable right now. Please try again in a moment.",
                        "CHECKOUT_UNAVAILABLE", **kwargs)


def addresses() -> list[dict]:
    resp = _call("GET", "/api/users/me/addresses")
    return resp.json().get("items", []) if resp.status_code == 200 else []


def cart() -> dict:
    return _call("GET", "/api/cart").json()


def tokenise(number: str, month: int, year: int, cvc: str) -> tuple[dict | None, dict]:
    """(method {token, brand, last4}, field errors). The number goes to the payments API and nowhere else."""
    resp = _call("POST", "/api/payments/methods",
                 json={"card_number": number, "exp_month": month, "exp_year": year, "cvc": cvc})
    if resp.status_code == 201:
        return resp.json(), {}
    fields = resp.json().get("details", {}).get("fields", {})
    errors = {("expiry" if k.startswith("exp") else k): CARD_MESSAGES[k] for k in fields if k in CARD_MESSAGES}
    return None, errors or {"card_number": "This card was not accepted."}


def phone() -> str | None:
    """The phone on the shopper's profile, for delivery texts; none is fine."""
    resp = _call("GET", "/api/users/me")
    return resp.json().get("phone") if resp.status_code == 200 else None


def place(key: str, address: dict, token: str, phone: str | None) -> tuple[dict | None, str | None]:
    """(order, message): the order takes the shopper's cart; the same key always answers with the same order."""
    body = {"address": address, "payment_token": token, **({"phone": phone} if phone else {})}
    resp = _call("POST", "/api/orders", json=body, headers={"Idempotency-Key": key})
    if resp.status_code == 202:
        return resp.json(), None
    body = resp.json()
    if body.get("error") == "CART_EMPTY":
        return None, "Your cart is empty."
    if body.get("error") == "IDEMPOTENCY_KEY_REUSED":
        return None, "Your cart changed while this order was being placed. Please review it again."
    return None, body.get("message") or "The order could not be placed."


def order(order_id: str) -> dict:
    resp = _call("GET", f"/api/orders/{order_id}")
    if resp.status_code == 404:
        raise NotFound("We couldn't find that order")
    return resp.json()
