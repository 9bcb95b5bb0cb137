"""The catalog's filters with counts: each filter's $match, and one $facet branch of counts per filter, each counting
with every chosen filter but its own (choosing "shirts" still shows how many the other categories hold)."""

from __future__ import annotations

import re

# (key, lowest price, first price past the band) in cents, on the product's lowest variant price; None: no end.
PRICE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("under-25", 0, 2500),
    ("25-50", 2500, 5000),
    ("50-100", 5000, 10000),
    ("100-plus", 10000, None),
)
BAND_KEYS = tuple(key for key, _, _ in PRICE_BANDS)
# The product's options these filters read (DESIGN.md: the seed's option names).
OPTIONS = {"size": "Size", "colour": "Colour"}
# Sizes in the order a shopper reads them; any other size (shoe sizes, say) follows, numbers by value.
SIZE_ORDER = ("XXS", "XS", "S", "M", "L", "XL", "XXL", "3XL")
# A product whose flags inventory has not set yet (stock.changed) counts as in stock, as it did before flags.
IN_STOCK = {"in_stock": {"$ne": False}}
# Until every product has price_min (the variants' migration), its one price is its lowest.
LOWEST_PRICE = {"$ifNull": ["$price_min", "$price"]}


def _band_match(key: str) -> dict:
    _, low, high = next(b for b in PRICE_BANDS if b[0] == key)
    within = {"$gte": low, **({"$lt": high} if high is not None else {})}
    return {"$or": [{"price_min": within}, {"price_min": {"$exists": False}, "price": within}]}


def _option_match(name: str, values) -> dict:
    return {"options": {"$elemMatch": {"name": name, "values": {"$in": list(values)}}}}


def chosen(category=None, price_band=None, size=(), colour=(), in_stock=False) -> dict[str, dict]:
    """Each chosen filter's condition, by facet name (several values of one facet: any of them)."""
    conditions: dict[str, dict] = {}
    if category:
        conditions["category"] = {"category": category}
    if price_band:
        conditions["price_band"] = _band_match(price_band)
    if size:
        conditions["size"] = _option_match(OPTIONS["size"], size)
    if colour:
        conditions["colour"] = _option_match(OPTIONS["colour"], colour)
    if in_stock:
        conditions["in_stock"] = IN_STOCK
    return conditions


def all_of(conditions) -> dict:
    conditions = list(conditions)
    return {"$and": conditions} if len(conditions) > 1 else conditions[0] if conditions else {}


def _but(conditions: dict[str, dict], facet: str) -> dict:
    return {"$match": all_of(c for name, c in conditions.items() if name != facet)}


def _by(value) -> list[dict]:
    return [{"$group": {"_id": value, "n": {"$sum": 1}}}]


def branches(conditions: dict[str, dict]) -> dict[str, list[dict]]:
    """The $facet branches of counts: category, price band, each option's values, in stock."""
    band = {
        "$switch": {
            "branches": [{"case": {"$lt": [LOWEST_PRICE, high]}, "then": key} for key, _, high in PRICE_BANDS if high],
            "default": PRICE_BANDS[-1][0],
        }
    }
    found = {
        "category": [_but(conditions, "category"), *_by("$category")],
        "price_band": [_but(conditions, "price_band"), *_by(band)],
        "in_stock": [_but(conditions, "in_stock"), {"$match": IN_STOCK}, {"$count": "n"}],
    }
    for facet, name in OPTIONS.items():
        found[facet] = [
            _but(conditions, facet),
            {"$unwind": "$options"},
            {"$match": {"options.name": name}},
            {"$unwind": "$options.values"},
            *_by("$options.values"),
        ]
    return found


def _size_key(value: str):
    if value.upper() in SIZE_ORDER:
        return (0, SIZE_ORDER.index(value.upper()), "")
    number = re.fullmatch(r"\d+(\.\d+)?", value)
    return (1, float(value), "") if number else (2, 0, value.casefold())


def counts(found: dict, selected: dict) -> dict:
    """The aggregate's branches as the API's `facets`: every band in order; categories and colours by name, sizes
    S, M, L…; a chosen value with no product left keeps its place, with 0."""

    def listed(facet: str, order=str.casefold) -> list[dict]:
        n = {g["_id"]: g["n"] for g in found.get(facet, []) if isinstance(g["_id"], str)}
        chosen_values = selected.get(facet) or ()
        for value in [chosen_values] if isinstance(chosen_values, str) else chosen_values:
            n.setdefault(value, 0)
        return [{"value": v, "count": n[v]} for v in sorted(n, key=order)]

    bands = {g["_id"]: g["n"] for g in found.get("price_band", [])}
    return {
        "category": listed("category"),
        "price_band": [
            {"value": key, "min": low, "max": high, "count": bands.get(key, 0)} for key, low, high in PRICE_BANDS
        ],
        "size": listed("size", _size_key),
        "colour": listed("colour"),
        "in_stock": found["in_stock"][0]["n"] if found.get("in_stock") else 0,
    }
