"""Inventory use cases: plain functions over the stock repository."""

from __future__ import annotations

import re

from common.errors import NotFound
from common.events import Event, make_event

from .ports import Stock
from .schemas import SKU_PATTERN

SOURCE = "inventory"
ACTIONS = ("created", "updated", "deleted")


def low_stock_event(current: dict, available: int, level: int) -> Event:
    return make_event(
        "stock.low",
        {"sku": current["sku"], "product_id": current.get("product_id"), "available": available, "level": level},
        SOURCE,
    )


def get_stock(repo: Stock, sku: str) -> dict:
    found = repo.get(sku) if re.fullmatch(SKU_PATTERN, sku, flags=re.ASCII) else None
    if found is None:
        raise NotFound("No stock for this SKU", code="SKU_NOT_FOUND")
    return found


def list_stock(repo: Stock, skus) -> list[dict]:
    """Stock for the SKUs that have any; unknown SKUs are simply absent."""
    return repo.get_many(skus)


def count_stock(repo: Stock, sku: str, quantity: int) -> dict:
    if not re.fullmatch(SKU_PATTERN, sku, flags=re.ASCII):
        raise NotFound("No such SKU", code="SKU_NOT_FOUND")
    return repo.set_available(sku, quantity)


def apply_product_change(repo: Stock, event: Event) -> None:
    """product.changed: new products get their initial stock; deleted ones can no longer be reserved.
    A malformed event raises, so the consumer retries and then dead-letters it."""
    data = event.data
    action, sku, product_id = data.get("action"), data.get("sku"), data.get("id")
    if action not in ACTIONS or not isinstance(sku, str) or not re.fullmatch(SKU_PATTERN, sku, flags=re.ASCII):
        raise ValueError(f"unusable product.changed event {event.event_id}")
    initial = data.get("initial_stock", 0) if action == "created" else 0
    if not isinstance(initial, int) or isinstance(initial, bool) or initial < 0:
        raise ValueError(f"bad initial_stock in {event.event_id}")
    repo.ensure(sku, product_id, initial, discontinued=action == "deleted")
