"""Order lines priced by the products service at the moment the order is placed (a snapshot). A line is one
variant: its SKU is what inventory reserves, its name says which ("Linen Shirt — M / Sand")."""

from __future__ import annotations

from common.errors import AppError, Conflict, ValidationError

from .cart_catalog import sellable, variant_of
from .cart_store import MAX_QUANTITY


def _resolve(catalog, wanted: list[dict]) -> list[tuple[dict, int]]:
    """Each wanted line's variant and quantity: a cart line names a SKU; an API line a product id, and a SKU when
    the product has options."""
    ids = {line["product_id"] for line in wanted if line.get("product_id")}
    skus = {line["sku"] for line in wanted if not line.get("product_id")}
    by_sku = catalog.by_skus(skus) if skus else {}
    # A cart line written before variants names its product: it is that product's one variant.
    legacy = {sku for sku in skus if sku not in by_sku}
    by_id = catalog.products(ids | legacy) if ids or legacy else {}
    missing: list[str] = []
    resolved = []
    for line in wanted:
        pid, sku = line.get("product_id"), line.get("sku")
        if pid:
            if pid not in by_id:
                missing.append(pid)
                continue
            try:
                item = sellable(by_id[pid], variant_of(by_id[pid], sku))
            except AppError as e:
                if e.code == "VARIANT_NOT_FOUND":
                    missing.append(sku or pid)
                    continue
                raise
        elif sku in by_sku:
            item = by_sku[sku]
        elif sku in by_id and len(by_id[sku].get("variants") or [None]) == 1:
            item = sellable(by_id[sku], variant_of(by_id[sku]))
        else:
            missing.append(str(sku))
            continue
        resolved.append((item, int(line["quantity"])))
    if missing:
        raise Conflict("Some products are no longer sold", {"products": missing}, code="UNKNOWN_PRODUCT")
    return resolved


def snapshot(catalog, wanted: list[dict]) -> list[dict]:
    """Each wanted line with its current name, SKU and price, one line per variant (two lines of one add up)."""
    merged: dict[str, tuple[dict, int]] = {}
    for item, quantity in _resolve(catalog, wanted):
        merged[item["sku"]] = (item, merged.get(item["sku"], (item, 0))[1] + quantity)
    too_many = [sku for sku, (_, qty) in merged.items() if qty > MAX_QUANTITY]
    if too_many:
        raise ValidationError(
            f"At most {MAX_QUANTITY} of one product per order", {"products": too_many}, code="QUANTITY_TOO_LARGE"
        )
    return [
        {
            "product_id": item["id"],
            "sku": sku,
            "name": item["name"],
            **({"variant": item["variant"]} if item.get("variant") else {}),
            "quantity": quantity,
            "unit_price": int(item["price"]),
            "currency": item["currency"],
            "line_total": int(item["price"]) * quantity,
        }
        for sku, (item, quantity) in merged.items()
    ]
