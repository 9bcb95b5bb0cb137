"""The product form's options and variants: up to three options ("Size": "S, M, L"), and per combination of their
values a row with its "SKU", "Stock" and "Price". Saving with new options makes the new combinations (SKUs proposed
from the product's, stock 0, the product's price); a combination no longer listed is discontinued."""

from __future__ import annotations

import itertools
import re

from flask import request

from common.ids import SKU

from . import client, forms

MAX_OPTIONS = 3
MAX_ROWS = 100
NAME = re.compile(r"[^\x00-\x1f<>]{1,30}")
MESSAGES = {
    "name": "Name the option in up to 30 characters, e.g. Size.",
    "values": "List its values separated by commas (up to 12, each up to 30 characters), e.g. S, M, L.",
    "twice": "Each option needs its own name.",
    "sku": "Use letters, digits and dashes (up to 40), e.g. KIT-010-M.",
    "stock": "Enter a whole number of units, 0 or more.",
    "price": "Enter a price above 0 like 19.99, or leave it empty for the product's price.",
}


def key_of(values) -> str:
    return " / ".join(values)


def blank_options() -> list[dict]:
    return [{"name": "", "values": ""} for _ in range(MAX_OPTIONS)]


def options_form(product: dict | None) -> list[dict]:
    """The option rows as the form shows them: the product's, then empty ones up to three."""
    rows = [{"name": o["name"], "values": ", ".join(o["values"])} for o in (product or {}).get("options") or []]
    return (rows + blank_options())[:MAX_OPTIONS]


def variant_rows(product: dict, levels: dict[str, int]) -> list[dict]:
    """One row per variant of a product with options, with its stock now."""
    if not product.get("options"):
        return []
    names = [o["name"] for o in product["options"]]
    return [
        {
            "key": key_of(v["options"][n] for n in names),
            "sku": v["sku"],
            "price": forms.price_text(v["price"]) if v.get("price") is not None else "",
            # blank while inventory has no count yet (the product's event is on its way): saving blank changes nothing
            "stock": str(levels[v["sku"]]) if v["sku"] in levels else "",
            "stock_was": str(levels[v["sku"]]) if v["sku"] in levels else "",
            "new": False,
        }
        for v in product["variants"]
    ]


def stock_levels(product: dict) -> dict[str, int]:
    skus = [v["sku"] for v in product.get("variants") or []]
    found = client.optional("GET", "/api/inventory", {"items": []}, params={"skus": ",".join(skus)}) if skus else {}
    return {i["sku"]: i["available"] for i in (found or {}).get("items", [])}


def read_options(errors: dict) -> tuple[list[dict], list[dict]]:
    """(the option rows as typed, the options for the API); a bad row's message beside its field."""
    typed, options, seen = [], [], set()
    for n in range(1, MAX_OPTIONS + 1):
        name = forms.text(f"option-{n}-name", 30)
        raw = forms.text(f"option-{n}-values", 500)
        typed.append({"name": name, "values": raw})
        values = [v.strip() for v in raw.split(",") if v.strip()]
        if not name and not values:
            continue
        if not NAME.fullmatch(name):
            errors[f"option-{n}-name"] = MESSAGES["name"]
        elif name.casefold() in seen:
            errors[f"option-{n}-name"] = MESSAGES["twice"]
        if not values or len(values) > 12 or any(not NAME.fullmatch(v) for v in values):
            errors[f"option-{n}-values"] = MESSAGES["values"]
        elif len({v.casefold() for v in values}) != len(values):
            errors[f"option-{n}-values"] = f"{name or 'This option'} lists a value twice."
        seen.add(name.casefold())
        options.append({"name": name, "values": values})
    return typed, options


def _typed_rows() -> dict[str, dict]:
    rows = {}
    for n in range(1, MAX_ROWS + 1):
        key = request.form.get(f"variant-{n}-key")
        if key is None:
            break
        rows[key] = {
            "key": key,
            "sku": forms.text(f"variant-{n}-sku", 40),
            "price": forms.text(f"variant-{n}-price", 20),
            "stock": forms.text(f"variant-{n}-stock", 10),
            "stock_was": forms.text(f"variant-{n}-stock-was", 10),
            "new": request.form.get(f"variant-{n}-new") == "1",
        }
    return rows


def read_variants(
    options: list[dict], errors: dict, existing: dict[str, dict], new_stock: str = "0"
) -> tuple[list[dict], list[dict]]:
    """(the variant rows to show again, the variants for the API) for every combination of the options; a row's
    fields as typed, a combination new to the form with a proposed SKU left to the API. `existing` maps a
    combination's key to the product's variant (whose SKU cannot change)."""
    typed = _typed_rows()
    rows, body = [], []
    combinations = 1
    for o in options:
        combinations *= len(o["values"])
    if combinations > MAX_ROWS:
        errors["option-1-values"] = f"These options make {combinations} combinations: a product may have {MAX_ROWS}."
        return [], []
    for i, combo in enumerate(itertools.product(*(o["values"] for o in options)), start=1):
        key = key_of(combo)
        row = typed.get(key) or {"key": key, "sku": "", "price": "", "stock": new_stock, "stock_was": "", "new": True}
        if key in existing:
            row = {**row, "sku": existing[key]["sku"], "new": False}
        rows.append(row)
        variant: dict = {"options": dict(zip((o["name"] for o in options), combo, strict=True))}
        if row["sku"]:
            if SKU.fullmatch(row["sku"]):
                variant["sku"] = row["sku"]
            else:
                errors[f"variant-{i}-sku"] = MESSAGES["sku"]
        if row["price"]:
            price = forms.price_minor(row["price"])
            if price is None or price <= 0:
                errors[f"variant-{i}-price"] = MESSAGES["price"]
            variant["price"] = price
        stock = forms.whole(row["stock"] or "0")
        if stock is None or stock < 0:
            errors[f"variant-{i}-stock"] = MESSAGES["stock"]
        elif row["new"]:
            variant["initial_stock"] = stock
        body.append(variant)
    return rows, body


def stock_counts(rows: list[dict]) -> dict[str, int]:
    """The stock typed for variants that already exist, where it changed: counts for the inventory."""
    counts = {}
    for row in rows:
        stock = forms.whole(row["stock"] or "0")
        if not row["new"] and row["sku"] and stock is not None and row["stock"] != row["stock_was"]:
            counts[row["sku"]] = stock
    return counts
