"""The cart fragment's calls through the gateway, as the browser's user (token cookie, guest cart cookie)."""

from __future__ import annotations

from flask import request

from common.auth.session import ACCESS_COOKIE, CART_COOKIE
from common.errors import AppError
from common.platform import platform_of
from fragments.gateway_api import api, api_or_outage, upstream_failure
from fragments.result import Result, body_of

UNAVAILABLE = "Your cart is unavailable right now. Please try again in a moment."


def _call(method: str, path: str, **kwargs):
    return api_or_outage(method, path, UNAVAILABLE, "CART_UNAVAILABLE", **kwargs)


def _result(resp) -> Result[dict]:
    """The cart (a new guest cart's `cart_id` is the id the API minted), or why the change was refused."""
    if resp.status_code >= 500 or resp.status_code == 429:
        raise upstream_failure(resp, UNAVAILABLE, "CART_UNAVAILABLE")
    if resp.status_code >= 400:
        return Result.failed(body_of(resp).get("message") or "That didn't work")
    return Result(body_of(resp))


def count() -> int | None:
    """Items in the cart, or None when the cart service cannot say (the badge then shows no number)."""
    if not request.cookies.get(CART_COOKIE) and not request.cookies.get(ACCESS_COOKIE):
        return 0  # a browser with no cart and no account has nothing in a cart: no need to ask
    try:
        resp = api("GET", "/api/cart/summary", timeout=platform_of().settings.optional_call_timeout)
    except AppError:
        return None
    return resp.json()["count"] if resp.status_code == 200 else None


def cart() -> Result[dict]:
    return _result(_call("GET", "/api/cart"))


def add(product_id: str, quantity: int, sku: str | None = None, options: dict | None = None) -> Result[dict]:
    """A product's variant by SKU or option values (a product without options needs neither)."""
    chosen = {"sku": sku} if sku else {"options": options} if options else {}
    return _result(_call("POST", "/api/cart/items", json={"product_id": product_id, "quantity": quantity, **chosen}))


def set_quantity(sku: str, quantity: int) -> Result[dict]:
    return _result(_call("PATCH", f"/api/cart/items/{sku}", json={"quantity": quantity}))


def remove(sku: str) -> Result[dict]:
    return _result(_call("DELETE", f"/api/cart/items/{sku}"))


def quote(country: str, promo_code: str | None) -> Result[dict]:
    """The cart's breakdown for a country (and the code), or why the code does not apply; an outage is raised."""
    body = {"country": country, **({"promo_code": promo_code} if promo_code else {})}
    return _result(_call("POST", "/api/cart/quote", json=body))


def apply_promo(code: str, country: str) -> Result[dict]:
    return _result(_call("PUT", "/api/cart/promo", json={"promo_code": code, "country": country}))


def remove_promo() -> None:
    resp = _call("DELETE", "/api/cart/promo")
    if resp.status_code >= 400:
        raise upstream_failure(resp, UNAVAILABLE, "CART_UNAVAILABLE")
