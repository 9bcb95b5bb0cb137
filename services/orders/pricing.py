"""Order lines priced by the products service at the moment the order is placed (a snapshot)."""

from __future__ import annotations

from common.errors import Conflict, ValidationError

from .cart_store import MAX_QUANTITY


def merge_lines(wanted: list[dict]) -> dict[str, int]:
    """One line per product, in first-seen order: two lines of one product add up."""
    merged: dict[str, int] = {}
    for line in wanted:
        merged[line["product_id"]] = merged.get(line["product_id"], 0) + int(line["quantity"])
    return merged


def snapshot(catalog, wanted: list[dict]) -> list[dict]:
    """Each wanted {product_id, quantity} with its current name, SKU and price, from one catalog call."""
    merged = merge_lines(wanted)
    too_many = [pid for pid, qty in merged.items() if qty > MAX_QUANTITY]
    if too_many:
        raise ValidationError(
            f"At most {MAX_QUANTITY} of one product per order", {"products": too_many}, code="QUANTITY_TOO_LARGE"
        )
    products = catalog.products(merged)
    missing = [pid for pid in merged if pid not in products]
    if missing:
        raise Conflict("Some products are no longer sold", {"products": missing}, code="UNKNOWN_PRODUCT")
    lines = []
    for pid, quantity in merged.items():
        p = products[pid]
        lines.append(
            {
                "product_id": pid,
                "sku": p["sku"],
                "name": p["name"],
                "quantity": quantity,
                "unit_price": int(p["price"]),
                "currency": p["currency"],
                "line_total": int(p["price"]) * quantity,
            }
        )
    return lines
