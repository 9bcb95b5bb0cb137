"""Inventory use cases: plain functions over the stock repository."""

from __future__ import annotations

from common.errors import NotFound
from common.ids import SKU
from common.messaging.events import Event
from common.messaging.messages import ProductChanged, StockChanged, StockLow

from .ports import Stock

SOURCE = "inventory"


def low_stock_event(current: dict, available: int, level: int) -> Event:
    low = StockLow(sku=current["sku"], product_id=current.get("product_id"), available=available, level=level)
    return low.event(SOURCE)


def stock_changed_event(current: dict, available: int) -> Event:
    """`available` crossed zero: the catalog's "In stock only" follows (services/products/stock_flags.py)."""
    changed = StockChanged(
        sku=current["sku"], product_id=current.get("product_id"), available=available, in_stock=available > 0
    )
    return changed.event(SOURCE)


def get_stock(repo: Stock, sku: str) -> dict:
    found = repo.get(sku) if SKU.fullmatch(sku) else None
    if found is None:
        raise NotFound("No stock for this SKU", code="SKU_NOT_FOUND")
    return found


def list_stock(repo: Stock, skus) -> list[dict]:
    """Stock for the SKUs that have any; unknown SKUs are simply absent."""
    return repo.get_many(skus)


def count_stock(repo: Stock, sku: str, quantity: int, audit_for=None) -> dict:
    """An admin's count of a SKU that has stock: a SKU no product made gets no record (it would later override
    the product's initial stock), so it is a 404 like any unknown SKU."""
    if not SKU.fullmatch(sku) or repo.get(sku) is None:
        raise NotFound("No stock for this SKU", code="SKU_NOT_FOUND")
    return repo.set_available(sku, quantity, audit_for)


def apply_product_change(repo: Stock, changed: ProductChanged) -> None:
    """product.changed: each variant is a SKU with stock. New ones get their initial stock; those of a deleted
    product, or a variant an edit took away, can no longer be reserved. A malformed event raises, so the consumer
    retries and then dead-letters it."""
    units = changed.stock_units()
    bad = [u.sku for u in units if not SKU.fullmatch(u.sku)]
    if bad:
        raise ValueError(f"unusable SKU in product.changed: {bad[0]!r}")
    for unit in units:
        initial = unit.initial_stock or 0
        repo.ensure(unit.sku, changed.id, initial, discontinued=changed.action == "deleted" or unit.discontinued)
