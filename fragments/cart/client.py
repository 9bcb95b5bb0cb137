"""The cart fragment's calls through the gateway, as the browser's user (token cookie, guest cart cookie)."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, request

from common.errors import AppError
from common.web import ACCESS_COOKIE, CART_COOKIE, api, api_or_outage, upstream_failure

UNAVAILABLE = "Your cart is unavailable right now. Please try again in a moment."


@dataclass
class CartResult:
    """An API answer the templates can show: the cart (when known), an error message, a minted guest id."""
    cart: dict | None = None
    error: str | None = None
    details: dict = field(default_factory=dict)
    minted: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _call(method: str, path: str, **kwargs):
    return api_or_outage(method, path, UNAVAILABLE, "CART_UNAVAILABLE", **kwargs)


def _outcome(resp) -> CartResult:
    body = resp.json() if resp.headers.get("Content-Type", "").startswith("application/json") else {}
    if resp.status_code >= 500 or resp.status_code == 429:
        raise upstream_failure(resp, UNAVAILABLE, "CART_UNAVAILABLE")
    if resp.status_code >= 400:
        return CartResult(error=body.get("message") or "That didn't work", details=body.get("details") or {})
    return CartResult(cart=body, minted=resp.headers.get("X-Cart-Id"))


def count() -> int | None:
    """Items in the cart, or None when the cart service cannot say (the badge then shows no number)."""
    if not request.cookies.get(CART_COOKIE) and not request.cookies.get(ACCESS_COOKIE):
        return 0  # a browser with no cart and no account has nothing in a cart: no need to ask
    try:
        resp = api("GET", "/api/cart/summary", timeout=current_app.extensions["settings"].optional_call_timeout)
    except AppError:
        return None
    return resp.json()["count"] if resp.status_code == 200 else None


def cart() -> CartResult:
    return _outcome(_call("GET", "/api/cart"))


def add(product_id: str, quantity: int) -> CartResult:
    return _outcome(_call("POST", "/api/cart/items", json={"product_id": product_id, "quantity": quantity}))


def set_quantity(product_id: str, quantity: int) -> CartResult:
    return _outcome(_call("PATCH", f"/api/cart/items/{product_id}", json={"quantity": quantity}))


def remove(product_id: str) -> CartResult:
    return _outcome(_call("DELETE", f"/api/cart/items/{product_id}"))
