"""What the cart asks other services: current prices (products) and stock (inventory)."""

from __future__ import annotations

from typing import Protocol

import requests

from common.balancer import upstream_client
from common.errors import AppError, Unavailable


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

    def products(self, ids) -> dict[str, dict]:
        """Current products by id; ids that no longer exist are absent. Raises 503 when prices are unknown."""
        ids = sorted(set(ids))
        if not ids:
            return {}
        try:
            resp = self.products_api.get("/api/products", params={"ids": ",".join(ids), "per_page": 100})
        except AppError:
            resp = None
        if resp is None or resp.status_code != 200:
            raise Unavailable("Prices cannot be checked right now, try again shortly", code="CATALOG_UNAVAILABLE")
        return {p["id"]: p for p in resp.json()["items"]}

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
