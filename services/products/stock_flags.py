"""Which of a product's variants are sold out, and so whether the product is in stock ("In stock only").

Inventory owns the counts; the catalog keeps only this, fed by stock.changed (a SKU's `available` crossed zero), so
no request asks inventory. `sold_out` lists variant SKUs; a product is in stock while some variant is not sold out.
Whoever changes a product's variants calls `flags` with the new document, so a removed variant leaves the list."""

from __future__ import annotations


def variant_skus(doc: dict) -> list[str]:
    """The SKUs stock is counted under: each variant's, or the product's own before it had variants."""
    return [v["sku"] for v in doc.get("variants") or []] or [doc["sku"]]


def in_stock_of(doc: dict) -> bool:
    sold_out = set(doc.get("sold_out") or ())
    return any(sku not in sold_out for sku in variant_skus(doc))


def flags(doc: dict, sold_out=None) -> dict:
    """`sold_out` (default: the document's own) kept to the product's variants, and `in_stock` from it."""
    skus = variant_skus(doc)
    kept = sorted(set(doc.get("sold_out") or () if sold_out is None else sold_out) & set(skus))
    return {"sold_out": kept, "in_stock": in_stock_of({**doc, "sold_out": kept})}


def at_creation(doc: dict, initial_stock: dict[str, int]) -> dict:
    """A new product's flags: a variant created with no stock starts sold out."""
    return flags(doc, [sku for sku in variant_skus(doc) if not initial_stock.get(sku)])


def after_change(doc: dict, sku: str, in_stock: bool) -> dict:
    """The flags once one SKU's stock left zero (`in_stock`) or reached it."""
    sold_out = set(doc.get("sold_out") or ())
    return flags(doc, sold_out - {sku} if in_stock else sold_out | {sku})
