"""Options and variants: the product is the unit of browsing, the variant (one SKU) the unit of stock, cart line,
reservation and order line. A product without options has one default variant under the product's own SKU.

The document keeps `options` ([{name, values}]), `variants` ([{sku, options: {name: value}, price, image}]) and the
derived `price_min` / `price_max` (what grids say: "from $X" when they differ), rewritten on every write."""

from __future__ import annotations

import itertools
import re

from common.errors import ValidationError

MAX_OPTIONS = 3
MAX_VALUES = 12
MAX_VARIANTS = 100


def default_variant(sku: str) -> dict:
    return {"sku": sku, "options": {}, "price": None, "image": None}


def label(variant: dict, options: list[dict]) -> str:
    """ "M / Sand": the variant's values in the order of the product's options ("" for a default variant)."""
    return " / ".join(variant["options"][o["name"]] for o in options if o["name"] in variant["options"])


def display_name(name: str, variant: dict, options: list[dict]) -> str:
    """What carts, orders, emails and the back office call a variant: "Linen Shirt — M / Sand"."""
    named = label(variant, options)
    return f"{name} — {named}" if named else name


def effective_price(variant: dict, product_price: int) -> int:
    return product_price if variant.get("price") is None else int(variant["price"])


def variant_sku(base: str, values: tuple[str, ...]) -> str:
    """The SKU the form proposes for a combination: the base SKU and each value, upper-cased, dashed."""
    parts = [base, *(re.sub(r"[^A-Za-z0-9]+", "-", v).strip("-") for v in values)]
    return "-".join(p for p in parts if p).upper()[:40]


def combinations(options: list[dict]) -> list[dict[str, str]]:
    """Every combination of the options' values, in their order (S/Sand, S/Navy, M/Sand, …)."""
    names = [o["name"] for o in options]
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*(o["values"] for o in options))]


def normalized(doc: dict) -> dict:
    """A document of any age in today's shape: one written before variants gets its default variant (its SKU
    unchanged) and its price range. Read paths and the start-up migration both use it."""
    doc = dict(doc)
    doc.setdefault("options", [])
    if not doc.get("variants") and doc.get("sku"):
        doc["variants"] = [default_variant(doc["sku"])]
    if "price" in doc:
        doc.update(price_range(doc.get("variants") or [], doc["price"]))
    return doc


def price_range(variants: list[dict], product_price: int) -> dict:
    prices = [effective_price(v, product_price) for v in variants] or [product_price]
    return {"price_min": min(prices), "price_max": max(prices)}


def _refused(field: str, message: str, code: str) -> ValidationError:
    return ValidationError(message, {"fields": {field: message}}, code=code)


def checked(options: list[dict], variants: list[dict], base_sku: str) -> list[dict]:
    """The variants as stored: every combination named once, with values of the product's options, SKUs unique.
    No options: the one default variant under `base_sku` (a price on it is kept). Raises 422 naming the field."""
    names = [o["name"] for o in options]
    if len({n.casefold() for n in names}) != len(names):
        raise _refused("options", "Each option needs its own name", "OPTION_DUPLICATE")
    for o in options:
        if len({v.casefold() for v in o["values"]}) != len(o["values"]):
            raise _refused("options", f"{o['name']} lists a value twice", "OPTION_DUPLICATE")
    if not options:
        if len(variants) > 1 or (variants and variants[0]["options"]):
            raise _refused("variants", "Variants need options: name an option such as Size first", "VARIANT_OPTIONS")
        only = variants[0] if variants else {}
        return [{**default_variant(base_sku), "price": only.get("price"), "image": only.get("image")}]
    if not variants:
        raise _refused("variants", "Give at least one variant", "VARIANT_REQUIRED")
    seen_skus: set[str] = set()
    seen_combos: set[tuple[str, ...]] = set()
    out = []
    for i, v in enumerate(variants):
        if set(v["options"]) != set(names) or any(v["options"][o["name"]] not in o["values"] for o in options):
            raise _refused(
                "variants",
                f"Variant {i + 1} must take one listed value of each option: {', '.join(names)}",
                "VARIANT_OPTIONS",
            )
        combo = tuple(v["options"][n] for n in names)
        if combo in seen_combos:
            raise _refused("variants", f"Variant {i + 1} repeats {' / '.join(combo)}", "VARIANT_DUPLICATE")
        sku = v.get("sku") or variant_sku(base_sku, combo)
        if sku.casefold() in seen_skus:
            raise _refused("variants", f"Two variants share the SKU {sku}", "VARIANT_DUPLICATE")
        seen_combos.add(combo)
        seen_skus.add(sku.casefold())
        out.append(
            {
                "sku": sku,
                "options": {n: v["options"][n] for n in names},
                "price": v.get("price"),
                "image": v.get("image"),
            }
        )
    return out


def find(doc: dict, sku: str | None) -> dict | None:
    """The product's variant with this SKU; with none named, its only variant (a product with choices has none)."""
    variants = normalized(doc)["variants"]
    if sku is None:
        return variants[0] if len(variants) == 1 else None
    return next((v for v in variants if v["sku"] == sku), None)
