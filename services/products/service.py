"""Catalog use cases: plain functions over the repository, cache and event factory."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from common.api.paging import page_of
from common.errors import Conflict, NotFound
from common.messaging.events import Event
from common.messaging.messages import ProductAction, ProductChanged, StockChanged
from common.mongo.database import written

from . import gallery, images, stock_flags, variants
from .illustrations import illustrate
from .ports import Products, ReadCache
from .seed import seed_documents

SOURCE = "products"


def public_product(doc: dict) -> dict:
    doc = variants.normalized(doc)
    doc["id"] = doc.pop("_id")
    doc["images"] = gallery.gallery_of(doc)  # a product stored before galleries has its one image as its gallery
    doc["variants"] = [
        {**v, "label": variants.label(v, doc["options"]), "name": variants.display_name(doc["name"], v, doc["options"])}
        for v in doc.get("variants", [])
    ]
    for key in ("created_at", "updated_at"):
        if isinstance(doc.get(key), datetime):
            doc[key] = doc[key].isoformat()
    return doc


def changed_event(
    doc: dict, action: ProductAction, stock: dict[str, int] | None = None, dropped: tuple[dict, ...] = ()
) -> Event:
    """product.changed with the product's variants; `stock` gives new variants' initial stock (a creation, or
    variants an edit adds), `dropped` the variants an edit took away (discontinued)."""
    doc = variants.normalized(doc)
    stock = stock or {}
    facts = {
        "action": action,
        "id": doc["_id"],
        **{k: doc[k] for k in ("sku", "name", "price", "currency", "category")},
        "variants": [
            {
                "sku": v["sku"],
                "options": v["options"],
                "price": variants.effective_price(v, doc["price"]),
                **({"initial_stock": stock[v["sku"]]} if v["sku"] in stock else {}),
            }
            for v in doc["variants"]
        ]
        + [{"sku": v["sku"], "options": v["options"], "discontinued": True} for v in dropped],
    }
    if action == "created" and doc["sku"] in stock:  # readers of the one-SKU shape (before variants)
        facts["initial_stock"] = stock[doc["sku"]]
    return ProductChanged.model_validate(facts).event(SOURCE)


def list_products(repo: Products, cache: ReadCache, query) -> dict:
    params = query.model_dump()
    return cache.get_or_compute("list", params, lambda: _search(repo, query))


def _search(repo: Products, query) -> dict:
    criteria = {
        "sort": query.order,
        "skip": query.skip,
        "limit": query.per_page,
        "q": query.q or None,
        "category": query.category or None,
        "price_band": query.price_band or None,
        "size": query.size,
        "colour": query.colour,
        "in_stock": query.in_stock,
        "min_price": query.min_price,
        "max_price": query.max_price,
        "featured": query.featured,
        "ids": query.ids,
        "skus": query.skus,
    }
    if not query.facets:
        docs, total = repo.search(**criteria)
        return page_of([public_product(d) for d in docs], total, query)
    docs, total, counts = repo.search_with_facets(**criteria)
    return {**page_of([public_product(d) for d in docs], total, query), "facets": counts}


def get_product(repo: Products, cache: ReadCache, product_id: str) -> dict:
    found = cache.get_or_compute("item", {"id": product_id}, lambda: _get(repo, product_id))
    if found is None:
        raise NotFound("Product not found", {"id": product_id})
    return found


def _get(repo: Products, product_id: str) -> dict | None:
    doc = repo.get(product_id)
    return public_product(doc) if doc else None


def list_categories(repo: Products, cache: ReadCache) -> list[str]:
    return cache.get_or_compute("categories", {}, repo.categories)


# What an audit entry keeps of a product (the trail says what changed, not all of it).
AUDITED = ("name", "category", "price", "sku", "featured", "image", "images")


def audit_facts(doc: dict) -> dict:
    facts = {k: doc.get(k) for k in AUDITED}
    facts["images"] = gallery.audit_label(gallery.gallery_of(doc))
    return facts


def _options_text(options: list[dict]) -> str:
    """Options as the audit trail shows them: "Size: S, M, L; Colour: Sand, Navy"."""
    return "; ".join(f"{o['name']}: {', '.join(o['values'])}" for o in options)


def _variant_facts(doc: dict) -> dict:
    """What the audit trail says of a product's options and variants."""
    now = variants.normalized(doc)
    return {"options": _options_text(now["options"]), "variants": ", ".join(v["sku"] for v in now["variants"])}


def _variants_of(fields: dict, base_sku: str) -> tuple[list[dict], dict[str, int]]:
    """The checked variants, and the initial stock each one asked for."""
    wanted = fields.get("variants") or []
    made = variants.checked(fields.get("options") or [], wanted, base_sku)
    stock = {v["sku"]: w.get("initial_stock", 0) for v, w in zip(made, wanted, strict=False)}
    return made, stock


def _refuse_taken(repo: Products, skus: list[str]) -> None:
    taken = [s for s in skus if repo.sku_taken(s)]
    if taken:
        message = f"SKU {taken[0]} is already used by another product"
        raise Conflict(message, {"sku": taken[0], "fields": {"sku": message}}, code="SKU_TAKEN")


def create_product(repo: Products, cache: ReadCache, fields: dict, audited=None) -> dict:
    """A new product; `audited(product_id)(before, after)` makes the admin's audit entry, written with it."""
    initial_stock = fields.pop("initial_stock", 0)
    made, stock = _variants_of(fields, fields["sku"])
    if not fields.get("options"):
        stock = {fields["sku"]: initial_stock}
    _refuse_taken(repo, sorted({fields["sku"], *(v["sku"] for v in made)}))
    doc = {"_id": uuid.uuid4().hex, "currency": "USD", "featured": False, **fields, "variants": made}
    sent = doc.pop("images", None)
    first = doc.pop("image", None)
    one = [{"url": first, "widths": [], "alt": doc["name"]}] if first else []
    doc.update(gallery.cover(one if sent is None else sent, doc["category"]))
    doc.update(variants.price_range(made, doc["price"]))
    doc |= stock_flags.at_creation(doc, stock)
    audit = () if audited is None else (audited(doc["_id"])({}, audit_facts(doc)),)
    repo.insert(doc, changed_event(doc, "created", stock), *audit)
    cache.invalidate()
    return public_product(written(repo.get(doc["_id"])))


def _variant_changes(repo: Products, product_id: str, changes: dict) -> tuple[dict, dict[str, int], tuple]:
    """An edit's options/variants checked against the product as it is: the new variants, the stock new SKUs start
    with, and the variants it drops. A price edit moves the price range too."""
    if not {"options", "variants", "price"} & set(changes):
        return changes, {}, ()
    current = repo.get(product_id)
    if current is None:
        raise NotFound("Product not found", {"id": product_id})
    current = variants.normalized(current)
    changes = dict(changes)
    if {"options", "variants"} & set(changes):
        fields = {
            "options": changes.get("options", current["options"]),
            "variants": changes.get("variants", current["variants"]),
        }
        made, stock = _variants_of(fields, current["sku"])
        before = {v["sku"] for v in current["variants"]}
        _refuse_taken(repo, sorted({v["sku"] for v in made} - before))
        changes.update(options=fields["options"], variants=made)
        kept = {v["sku"] for v in made}
        dropped = tuple(v for v in current["variants"] if v["sku"] not in kept)
        stock = {sku: n for sku, n in stock.items() if sku not in before}
        # a new variant without stock starts sold out; a dropped one leaves the list
        empty = {sku for sku, n in stock.items() if not n}
        changes |= stock_flags.flags({**current, "variants": made}, set(current.get("sold_out") or ()) | empty)
    else:
        made, stock, dropped = current["variants"], {}, ()
    changes.update(variants.price_range(made, changes.get("price", current["price"])))
    return changes, stock, dropped


def update_product(repo: Products, cache: ReadCache, product_id: str, changes: dict, audited=None) -> dict:
    """An edit; `audited(before, after)` makes the admin's audit entry, written with the change. A gallery edit
    (`images`, or an older client's `image`) sets the image fields that follow it; an edit of options or variants
    (or of the price) sets the variants and the price range."""
    if "images" in changes or "image" in changes:
        current = repo.get(product_id)
        if current is None:
            raise NotFound("Product not found", {"id": product_id})
        changes = {**changes, **gallery.changed(current, changes)}
    changes, stock, dropped = _variant_changes(repo, product_id, changes)
    derived = ("image_widths", "price_min", "price_max", "options", "variants")  # told by what they follow
    told = [k for k in changes if k not in derived]

    def audit_for(current: dict):
        before, after = audit_facts(current), audit_facts({**current, **changes})
        old = {k: before.get(k, current.get(k)) for k in told}
        new = {k: after.get(k, changes[k]) for k in told}
        if "variants" in changes:
            old.update(_variant_facts(current))
            new.update(_variant_facts({**current, **changes}))
        return audited(old, new)

    doc = repo.update(
        product_id,
        changes,
        lambda d: changed_event(d, "updated", stock, dropped),
        None if audited is None else audit_for,
    )
    if doc is None:
        raise NotFound("Product not found", {"id": product_id})
    cache.invalidate()
    return public_product(doc)


def check_place(repo: Products, product_id: str, position: int) -> dict:
    """The product, when an image may go at that position of its gallery (asked before the upload is stored)."""
    current = repo.get(product_id)
    if current is None:
        raise NotFound("Product not found", {"id": product_id})
    gallery.placed(current, position, {})
    return current


def place_image(repo: Products, cache: ReadCache, product_id: str, position: int, image: dict, audited=None) -> dict:
    """An uploaded image at a position of the gallery (1-based): in place of the one there, or added at the end."""
    current = check_place(repo, product_id, position)
    return update_product(repo, cache, product_id, {"images": gallery.placed(current, position, image)}, audited)


def delete_product(repo: Products, cache: ReadCache, product_id: str, audited=None) -> None:
    audit_for = None if audited is None else lambda current: audited(audit_facts(current), {"deleted": True})
    doc = repo.update(product_id, {"deleted": True}, lambda d: changed_event(d, "deleted"), audit_for)
    if doc is None:
        raise NotFound("Product not found", {"id": product_id})
    cache.invalidate()


def apply_stock_change(repo: Products, cache: ReadCache, event: Event) -> None:
    """stock.changed: a SKU's stock crossed zero; its product's "In stock only" flags follow. The cache is dropped
    or the consumer retries (the flags are already right: setting them again changes nothing)."""
    changed = StockChanged.parse(event)
    at = datetime.fromisoformat(event.occurred_at)
    if repo.set_stock_flags(changed.product_id, changed.sku, changed.in_stock, at):
        cache.invalidate_or_raise()


def seed_catalog(repo: Products, cache: ReadCache, store=None) -> int:
    """Seed an empty catalog; each product announces itself so inventory creates its stock. With an image store,
    each gets a drawing of its own through the upload pipeline (with its WebP copies)."""
    if repo.count():
        return 0
    start = datetime.now(UTC) - timedelta(days=30)
    n = 0
    for n, (doc, stock) in enumerate(seed_documents(), start=1):
        doc["created_at"] = start + timedelta(days=n)
        if store is not None:
            url, widths = images.save(store, illustrate(doc["name"], doc["category"]))
            doc.update(gallery.cover([{"url": url, "widths": widths, "alt": doc["name"]}], doc["category"]))
        doc |= stock_flags.at_creation(doc, stock)
        repo.insert(doc, changed_event(doc, "created", stock))
    cache.invalidate()
    return n


def migrate_variants(collection) -> int:
    """Products written before variants get their default variant (SKU unchanged), `options: []` and their price
    range, once, at start; the read path does the same for any it meets meanwhile. Answers how many changed."""
    n = 0
    for doc in collection.find({"variants": {"$exists": False}}, {"sku": 1, "price": 1}):
        fresh = variants.normalized(doc)
        n += collection.update_one(
            {"_id": doc["_id"], "variants": {"$exists": False}},
            {"$set": {k: fresh[k] for k in ("options", "variants", "price_min", "price_max")}},
        ).modified_count
    return n
