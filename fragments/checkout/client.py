"""The checkout fragment's calls through the gateway, as the browser's user."""

from __future__ import annotations

from common.auth import order_links
from common.errors import NotFound
from fragments.gateway_api import api_or_raise
from fragments.result import Result, body_of

# How long "Place order" waits for the stock to be held before sending the shopper to pay: the saga takes some tens
# of milliseconds, and the shell gives a fragment's answer 1.5 s (FRAGMENT_TIMEOUT). Past this, the shopper waits on
# /checkout/pay, which goes on to the provider's page as soon as the order may be paid.
READY_WAIT = 0.8


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


def phone() -> str | None:
    """The phone on the shopper's profile, for delivery texts; none is fine."""
    resp = _call("GET", "/api/users/me")
    return resp.json().get("phone") if resp.status_code == 200 else None


# The API's refusals that the shopper can act on, said their way.
PLACE_MESSAGES = {
    "CART_EMPTY": "Your cart is empty.",
    "IDEMPOTENCY_KEY_REUSED": "Your cart changed while this order was being placed. Please review it again.",
}


def quote(country: str, delivery_option: str | None, promo_code: str | None) -> Result[dict]:
    """The cart's breakdown for the country, with the delivery options serving it; or why the cart cannot be priced
    (a promo code that stopped applying is the caller's to drop and ask again)."""
    body = {"country": country, "delivery_option": delivery_option, "promo_code": promo_code}
    resp = _call("POST", "/api/cart/quote", json={k: v for k, v in body.items() if v})
    if resp.status_code == 200:
        return Result(resp.json())
    refused = body_of(resp)
    return Result.failed(refused.get("message") or "Your cart could not be priced.", status=resp.status_code)


def apply_promo(code: str, country: str) -> Result[dict]:
    """The code kept with the cart once it prices the cart for `country`; or why it does not apply."""
    resp = _call("PUT", "/api/cart/promo", json={"promo_code": code, "country": country})
    if resp.status_code == 200:
        return Result(resp.json())
    return Result.failed(body_of(resp).get("message") or "That code does not apply.", status=422)


def remove_promo() -> None:
    _call("DELETE", "/api/cart/promo")


def place(
    key: str,
    address: dict,
    phone: str | None,
    delivery_option: str | None = None,
    promo_code: str | None = None,
    guest_email: str | None = None,
) -> Result[dict]:
    """The order, which takes the shopper's cart (the same key always answers with the same order), or why not.
    A guest's order answers with its signed `link`, the guest's only way back to it."""
    extra = {"phone": phone, "delivery_option": delivery_option, "promo_code": promo_code, "email": guest_email}
    body = {"address": address, **{k: v for k, v in extra.items() if v}}
    resp = _call("POST", "/api/orders", json=body, headers={"Idempotency-Key": key})
    if resp.status_code == 202:
        return Result(resp.json())
    refused = body_of(resp)
    return Result.failed(
        PLACE_MESSAGES.get(refused.get("error", "")) or refused.get("message") or "The order could not be placed."
    )


def _linked(link: str | None) -> dict:
    return {"headers": {"X-Order-Link": link}} if link else {}


def order(order_id: str, link: str | None = None) -> dict:
    """The shopper's order; a guest's by its signed link."""
    if link is not None and not order_links.looks_like_token(link):
        raise NotFound("We couldn't find that order")
    resp = _call("GET", f"/api/orders/link/{link}" if link else f"/api/orders/{order_id}")
    if resp.status_code == 404:
        raise NotFound("We couldn't find that order")
    return resp.json()


# The payments API's refusals of a checkout, said the shopper's way.
PAY_MESSAGES = {
    "PAYMENT_NOT_READY": "We are still reserving your items. Try again in a moment.",
    "ALREADY_PAID": "This order is paid already.",
    "ORDER_CLOSED": "This order can no longer be paid.",
    "PAYMENTS_UNAVAILABLE": "Payment is unavailable right now. Please try again in a moment.",
}


def payment_page(order_id: str, wait: float = 0.0, link: str | None = None) -> Result[str]:
    """The provider's hosted page for the order (the same one however often asked), the payments service waiting up
    to `wait` seconds for its stock to be reserved (one call: it answers the moment the payment opens); or why the
    order cannot be paid now. A guest names the order by its `link`."""
    body = {"order_id": order_id, "wait_ms": int(wait * 1000)}  # at most READY_WAIT (the API takes up to 1 s)
    resp = _call("POST", "/api/payments/checkouts", json=body, **_linked(link))
    if resp.status_code == 201:
        return Result(resp.json()["url"])
    code = body_of(resp).get("error", "")
    if code == "PAYMENT_NOT_READY" and order(order_id, link).get("status") not in ("PENDING", "AWAITING_PAYMENT"):
        code = "ORDER_CLOSED"  # rejected (out of stock) or cancelled: there will be nothing to pay
    return Result.failed(PAY_MESSAGES.get(code, PAY_MESSAGES["PAYMENTS_UNAVAILABLE"]), status=409)


def ask_provider(order_id: str, link: str | None = None) -> None:
    """The return page asks the payments service to check with the provider (a webhook may be late); it never
    decides anything itself."""
    _call("POST", f"/api/payments/{order_id}/sync", **_linked(link))
