"""What the cart asks other services: current prices (products) and stock (inventory)."""

from __future__ import annotations

from typing import Protocol

import requests

from common.errors import AppError, Conflict, NotFound, Unavailable
from common.http.balancer import upstream_client


def sellable(product: dict, variant: dict) -> dict:
    """What a cart line or an order line is: one variant of a product, named as carts, orders, emails and the back
    office show it ("Linen Shirt — M / Sand"), at its own price and image when it has them."""
    label = variant.get("label") or ""
    return {
        "id": product["id"],
        "sku": variant["sku"],
        "name": variant.get("name") or product["name"],
        "variant": label or None,
        "price": product["price"] if variant.get("price") is None else variant["price"],
        "currency": product["currency"],
        "image": variant.get("image") or product.get("image"),
    }


def variant_of(product: dict, sku: str | None = None, options: dict[str, str] | None = None) -> dict:
    """The product's variant named by SKU or by its option values; with neither, its only one. 409 when the product
    needs a choice, 404 when the SKU or values name none of its variants."""
    variants = product.get("variants") or [{"sku": product["sku"], "options": {}, "price": None, "label": ""}]
    if sku is None and not options:
        if len(variants) == 1:
            return variants[0]
        names = ", ".join(o["name"] for o in product.get("options") or []) or "an option"
        message = f"Choose {names} first"
        raise Conflict(message, {"product_id": product["id"], "fields": {"sku": message}}, code="VARIANT_REQUIRED")
    for v in variants:
        if (sku is not None and v["sku"] == sku) or (sku is None and v["options"] == options):
            return v
    raise NotFound(
        "That choice is not sold",
        {"product_id": product["id"], "fields": {"sku": "That choice is not sold"}},
        code="VARIANT_NOT_FOUND",
    )


class Upstream(Protocol):
    """What the cart asks of a service's client: an HttpClient, or a BalancedClient over several instances."""

    def get(self, path: str, **kwargs) -> requests.Response: ...


class CartCatalog:
    """Direct service-to-service calls (not through the gateway), with the client's timeouts and breaker."""

    def __init__(self, products: Upstream, inventory: Upstream):
        self.products_api, self.inventory_api = products, inventory

    @classmethod
    def from_settings(cls, settings) -> CartCatalog:
        urls, timeout = settings.service_urls, settings.http_timeout
        return cls(
            upstream_client("products", urls["products"], timeout=timeout),
            upstream_client("inventory", urls["inventory"], timeout=timeout),
        )

    def _listed(self, key: str, values: list[str]) -> list[dict]:
        """The current products a listing by `ids` or `skus` finds. Raises 503 when prices are unknown."""
        try:
            resp = self.products_api.get("/api/products", params={key: ",".join(values), "per_page": 100})
        except AppError:
            resp = None
        if resp is None or resp.status_code != 200:
            raise Unavailable("Prices cannot be checked right now, try again shortly", code="CATALOG_UNAVAILABLE")
        return resp.json()["items"]

    def products(self, ids) -> dict[str, dict]:
        """Current products by id; ids that no longer exist are absent."""
        ids = sorted(set(ids))
        return {p["id"]: p for p in self._listed("ids", ids)} if ids else {}

    def by_skus(self, skus) -> dict[str, dict]:
        """The variants with these SKUs, as sellables (see sellable); unknown SKUs are absent."""
        skus = sorted(set(skus))
        if not skus:
            return {}
        found = {v["sku"]: sellable(p, v) for p in self._listed("skus", skus) for v in p.get("variants") or []}
        return {sku: found[sku] for sku in skus if sku in found}

    def stock(self, skus) -> dict[str, int] | None:
        """Available units per SKU (a SKU without stock counts 0), or None when inventory cannot say."""
        skus = sorted(set(skus))
        if not skus:
            return {}
        try:
            resp = self.inventory_api.get("/api/inventory", params={"skus": ",".join(skus)})
        except AppError:
            return None
        if resp.status_code != 200:
            return None
        found = {i["sku"]: i["available"] for i in resp.json()["items"]}
        return {sku: found.get(sku, 0) for sku in skus}
