"""Catalog use cases: plain functions over the repository, cache and event factory."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from common.errors import Conflict, NotFound
from common.events import Event
from common.messages import ProductAction, ProductChanged, StockChanged
from common.mongo import written
from common.paging import page_of

from . import gallery, images, stock_flags
from .illustrations import illustrate
from .ports import Products, ReadCache
from .seed import seed_documents

SOURCE = "products"


def public_product(doc: dict) -> dict:
    doc = dict(doc)
    doc["id"] = doc.pop("_id")
    doc["images"] = gallery.gallery_of(doc)  # a product stored before galleries has its one image as its gallery
    for key in ("created_at", "updated_at"):
        if isinstance(doc.get(key), datetime):
            doc[key] = doc[key].isoformat()
    return doc


def changed_event(doc: dict, action: ProductAction, initial_stock: int | None = None) -> Event:
    facts = {
        "action": action,
        "id": doc["_id"],
        **{k: doc[k] for k in ("sku", "name", "price", "currency", "category")},
    }
    if initial_stock is not None:  # only a creation says it; left unset, it stays out of the payload
        facts["initial_stock"] = initial_stock
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


def create_product(repo: Products, cache: ReadCache, fields: dict, audited=None) -> dict:
    """A new product; `audited(product_id)(before, after)` makes the admin's audit entry, written with it."""
    if repo.sku_taken(fields["sku"]):
        raise Conflict("SKU already exists", {"sku": fields["sku"]}, code="SKU_TAKEN")
    initial_stock = fields.pop("initial_stock", 0)
    doc = {"_id": uuid.uuid4().hex, "currency": "USD", "featured": False, **fields}
    sent = doc.pop("images", None)
    first = doc.pop("image", None)
    one = [{"url": first, "widths": [], "alt": doc["name"]}] if first else []
    doc.update(gallery.cover(one if sent is None else sent, doc["category"]))
    doc |= stock_flags.at_creation(doc, {doc["sku"]: initial_stock})
    audit = () if audited is None else (audited(doc["_id"])({}, audit_facts(doc)),)
    repo.insert(doc, changed_event(doc, "created", initial_stock), *audit)
    cache.invalidate()
    return public_product(written(repo.get(doc["_id"])))


def update_product(repo: Products, cache: ReadCache, product_id: str, changes: dict, audited=None) -> dict:
    """An edit; `audited(before, after)` makes the admin's audit entry, written with the change. A gallery edit
    (`images`, or an older client's `image`) sets the image fields that follow it."""
    if "images" in changes or "image" in changes:
        current = repo.get(product_id)
        if current is None:
            raise NotFound("Product not found", {"id": product_id})
        changes = {**changes, **gallery.changed(current, changes)}
    told = [k for k in changes if k != "image_widths"]  # the copies follow the image: its URL tells

    def audit_for(current: dict):
        before, after = audit_facts(current), audit_facts({**current, **changes})
        return audited({k: before.get(k, current.get(k)) for k in told}, {k: after.get(k, changes[k]) for k in told})

    doc = repo.update(
        product_id, changes, lambda d: changed_event(d, "updated"), None if audited is None else audit_for
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
        doc |= stock_flags.at_creation(doc, {doc["sku"]: stock})
        repo.insert(doc, changed_event(doc, "created", stock))
    cache.invalidate()
    return n
