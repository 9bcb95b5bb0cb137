"""The products fragment's calls through the gateway."""

from __future__ import annotations

import logging
import threading
import time

from flask import request

from common.auth.session import ACCESS_COOKIE, CART_COOKIE
from common.errors import AppError, NotFound
from common.ids import is_id
from common.platform import platform_of
from fragments.gateway_api import api, api_or_outage, upstream_failure
from fragments.result import Result, field_errors

from .deps import deps

log = logging.getLogger(__name__)
UNAVAILABLE = "The catalog is unavailable right now. Please try again in a moment."
# The category list is the same for every search, so one answer serves every grid for this long (a new category
# shows within the catalog's stated bound plus this; a second already saves nearly every call under load).
CATEGORIES_SECONDS = 1.0
_lock = threading.Lock()
clock = time.monotonic
# The API's field errors, said in the shopper's terms (the form takes dollars; the API takes cents).
FIELD_MESSAGES = {
    "q": "Search for at most 100 characters.",
    "category": "Choose a category from the list.",
    "min_price": "Enter a price in dollars, like 25 or 19.99.",
    "max_price": "Enter a price in dollars, like 25 or 19.99.",
    "body": "The minimum price must not be above the maximum.",
}
# sort, page, per_page: only a hand-edited URL gets these wrong, and the form has no field for them.
UNUSABLE_FILTERS = "Some of these filters can't be used. Adjust them and try again."


def _catalog(path: str, **kwargs):
    return api_or_outage("GET", path, UNAVAILABLE, "CATALOG_UNAVAILABLE", **kwargs)


def search(params: dict) -> Result[dict]:
    """The result page, or what the search form should say."""
    resp = _catalog("/api/products", params={k: v for k, v in params.items() if v not in (None, "")})
    if resp.status_code == 422:
        return Result.failed(errors=field_errors(resp, FIELD_MESSAGES, other=UNUSABLE_FILTERS))
    if resp.status_code != 200:
        raise upstream_failure(resp, UNAVAILABLE, "CATALOG_UNAVAILABLE")
    return Result(resp.json())


def product(product_id: str) -> dict:
    if not is_id(product_id):
        raise NotFound("We couldn't find that product")
    resp = _catalog(f"/api/products/{product_id}")
    if resp.status_code == 404:
        raise NotFound("We couldn't find that product")
    if resp.status_code != 200:
        raise upstream_failure(resp, UNAVAILABLE, "CATALOG_UNAVAILABLE")
    return resp.json()


def categories() -> list[str]:
    """The catalog's categories, asked at most once per CATEGORIES_SECONDS (a third of a search page's calls)."""
    kept = deps().categories  # per app
    with _lock:
        if kept["items"] is not None and clock() < kept["until"]:
            return kept["items"]
    resp = api("GET", "/api/categories")
    if resp.status_code != 200:
        return []
    items = resp.json().get("items", [])
    with _lock:
        kept.update(items=items, until=clock() + CATEGORIES_SECONDS)
    return items


def stock_levels(skus: list[str]) -> dict[str, int]:
    """Available units per SKU; an inventory outage shows no stock state rather than breaking the page."""
    if not skus:
        return {}
    try:
        resp = api(
            "GET",
            "/api/inventory",
            params={"skus": ",".join(skus)},
            timeout=platform_of().settings.optional_call_timeout,
        )
    except AppError:
        return {}
    if resp.status_code != 200:
        return {}
    return {i["sku"]: i["available"] for i in resp.json().get("items", [])}


def stock_state(available: int | None) -> dict | None:
    if available is None:
        return None
    if available <= 0:
        return {"label": "Out of stock", "level": "out", "available": 0}
    if available <= platform_of().settings.low_stock_level:
        return {"label": f"Only {available} left", "level": "low", "available": available}
    return {"label": "In stock", "level": "in", "available": available}


def _skus(product: dict) -> list[str]:
    return [v["sku"] for v in product.get("variants") or [{"sku": product["sku"]}]]


def with_stock(products: list[dict]) -> list[dict]:
    """Each product with its stock line: over all its variants (a card says "In stock" while any size is)."""
    levels = stock_levels([sku for p in products for sku in _skus(p)])
    out = []
    for p in products:
        known = [levels[sku] for sku in _skus(p) if sku in levels]
        out.append({**p, "stock": stock_state(sum(known)) if known else None})
    return out


def related(product_id: str) -> list[dict]:
    """ "You may also like" for a product: up to 4 summaries; [] for an unknown one (the page says that itself)."""
    if not is_id(product_id):
        return []
    resp = _catalog(f"/api/products/{product_id}/related")
    if resp.status_code == 404:
        return []
    if resp.status_code != 200:
        raise upstream_failure(resp, UNAVAILABLE, "CATALOG_UNAVAILABLE")
    return resp.json()["items"]


def cart_product_ids() -> list[str]:
    """The products in this browser's cart (its session or guest cart), in the cart's order; [] for no cart."""
    if not request.cookies.get(CART_COOKIE) and not request.cookies.get(ACCESS_COOKIE):
        return []
    resp = api_or_outage("GET", "/api/cart", UNAVAILABLE, "CATALOG_UNAVAILABLE")
    if resp.status_code != 200:
        raise upstream_failure(resp, UNAVAILABLE, "CATALOG_UNAVAILABLE")
    ids = [line.get("product_id") for line in resp.json().get("items", [])]
    return list(dict.fromkeys(p for p in ids if is_id(p)))  # two variants of one product are one product
