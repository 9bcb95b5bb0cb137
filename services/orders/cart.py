"""Cart use cases: plain functions over the cart store and the catalog; prices are never the client's."""

from __future__ import annotations

from common.errors import Conflict, NotFound, Unavailable

from .cart_catalog import sellable, variant_of
from .cart_store import MAX_LINES, MAX_QUANTITY, is_guest_id

CURRENCY = "USD"


def _sellable(catalog, product_id: str, sku: str | None = None, options: dict[str, str] | None = None) -> dict:
    """The variant a shopper picked, by SKU or option values (or a product's only one), as a sellable."""
    found = catalog.products([product_id]).get(product_id)
    if found is None:
        raise NotFound("No such product", {"product_id": product_id}, code="PRODUCT_NOT_FOUND")
    return sellable(found, variant_of(found, sku, options))


def _line_sellable(catalog, sku: str) -> dict:
    found = catalog.by_skus([sku]).get(sku)
    if found is None:
        raise NotFound("No such product", {"sku": sku}, code="PRODUCT_NOT_FOUND")
    return found


def _available(catalog, item: dict) -> int:
    levels = catalog.stock([item["sku"]])
    if levels is None:
        raise Unavailable("Stock cannot be checked right now, try again shortly", code="STOCK_UNAVAILABLE")
    return levels[item["sku"]]


def _short(item: dict, available: int, requested: int, in_cart: int = 0) -> Conflict:
    if available <= 0:
        message = f"{item['name']} is out of stock"
    elif in_cart >= available:
        message = f"Your cart already holds all {available} available"
    else:
        message = f"Only {available} available" + (f", {in_cart} already in your cart" if in_cart else "")
    return Conflict(
        message,
        {
            "product_id": item["id"],
            "sku": item["sku"],
            "available": max(available, 0),
            "in_cart": in_cart,
            "requested": requested,
        },
        code="INSUFFICIENT_STOCK",
    )


def _upgrade(store, catalog, cart_id: str, keys: list[str]) -> list[str]:
    """Lines of a cart written before variants name a product id: each becomes its product's one variant's SKU
    (kept as it is when the product now has choices, so the shopper sees it gone and picks again). Answers the
    keys still unknown."""
    products = catalog.products([k for k in keys])
    for product_id, product in products.items():
        variants = product.get("variants") or []
        if len(variants) == 1:
            store.rename(cart_id, product_id, variants[0]["sku"])
    return [k for k in keys if k not in products or len(products[k].get("variants") or []) != 1]


def _priced(store, catalog, cart_id: str | None, lines: dict[str, int]) -> tuple[dict[str, int], dict[str, dict]]:
    """The lines (renamed, if any were of the old shape) and their variants now, by SKU, remembered for later; with
    the catalog down, as last seen (if every line was)."""
    if not lines or cart_id is None:
        return lines, {}
    try:
        items = catalog.by_skus(lines)
        unknown = [sku for sku in lines if sku not in items]
        if unknown:
            gone = _upgrade(store, catalog, cart_id, unknown)
            if len(gone) < len(unknown):
                lines = store.lines(cart_id)
                items = catalog.by_skus(lines)
            store.remove(cart_id, *[sku for sku in gone if sku in lines])
            lines = {sku: qty for sku, qty in lines.items() if sku in items}
    except Unavailable:
        seen = store.seen(cart_id)
        if any(sku not in seen for sku in lines):
            raise
        return lines, {sku: {"id": sku, **seen[sku], "sku": sku} for sku in lines}
    store.remember(cart_id, items)
    return lines, items


def view(store, catalog, cart_id: str | None) -> dict:
    """The cart priced now (as last seen when the catalog is down); lines whose product is gone are dropped, and
    each line says what stock allows. A line is one variant: its name says which ("Linen Shirt — M / Sand")."""
    lines = store.lines(cart_id) if cart_id else {}
    lines, found = _priced(store, catalog, cart_id, lines)
    levels = catalog.stock(found)
    items = []
    for sku, item in sorted(found.items(), key=lambda kv: (kv[1]["name"], kv[0])):
        quantity = lines[sku]
        available = None if levels is None else levels[sku]
        items.append(
            {
                "product_id": item["id"],
                "sku": sku,
                "name": item["name"],
                "variant": item.get("variant"),
                "image": item.get("image"),
                "price": item["price"],
                "currency": item["currency"],
                "quantity": quantity,
                "line_total": item["price"] * quantity,
                "available": available,
                "max_quantity": MAX_QUANTITY if available is None else min(MAX_QUANTITY, max(available, 0)),
                "exceeds_stock": available is not None and quantity > available,
            }
        )
    return {
        "cart_id": cart_id if cart_id and is_guest_id(cart_id) else None,
        "items": items,
        "count": sum(i["quantity"] for i in items),
        "subtotal": sum(i["line_total"] for i in items),
        "currency": CURRENCY,
        "promo_code": store.promo(cart_id) if cart_id else None,
    }


def summary(store, cart_id: str | None) -> dict:
    """Just the count, straight from Redis: the header's mini-cart needs no prices."""
    lines = store.lines(cart_id) if cart_id else {}
    return {
        "cart_id": cart_id if cart_id and is_guest_id(cart_id) else None,
        "count": sum(lines.values()),
        "lines": len(lines),
    }


def add_item(
    store, catalog, cart_id: str, product_id: str, quantity: int, sku: str | None = None, options=None
) -> dict:
    """Add a variant (named by SKU or option values; a product without options has one) to the cart."""
    item = _sellable(catalog, product_id, sku, options)
    available = _available(catalog, item)
    result = store.add(cart_id, item["sku"], quantity, limit=available)
    if result == -2:
        raise Conflict(f"A cart holds at most {MAX_LINES} different products", code="CART_FULL")
    if result < 0:
        in_cart = store.lines(cart_id).get(item["sku"], 0)
        if in_cart + quantity > MAX_QUANTITY and available >= in_cart + quantity:
            raise Conflict(
                f"At most {MAX_QUANTITY} of one product per cart",
                {"product_id": product_id, "sku": item["sku"], "max": MAX_QUANTITY},
                code="QUANTITY_LIMIT",
            )
        raise _short(item, available, quantity, in_cart)
    return view(store, catalog, cart_id)


def _not_in_cart(sku: str) -> NotFound:
    return NotFound("That product is not in your cart", {"sku": sku}, code="LINE_NOT_FOUND")


def set_quantity(store, catalog, cart_id: str, sku: str, quantity: int) -> dict:
    """A new quantity for a line (one variant, by SKU); zero removes it."""
    if quantity == 0:
        return remove_item(store, catalog, cart_id, sku)
    if sku not in store.lines(cart_id):
        raise _not_in_cart(sku)
    item = _line_sellable(catalog, sku)
    available = _available(catalog, item)
    if quantity > available:
        raise _short(item, available, quantity)
    if store.set(cart_id, sku, quantity) < 0:
        raise _not_in_cart(sku)
    return view(store, catalog, cart_id)


def remove_item(store, catalog, cart_id: str, sku: str) -> dict:
    if not store.remove(cart_id, sku):
        raise _not_in_cart(sku)
    return view(store, catalog, cart_id)


def merge(store, catalog, guest_id: str | None, user_cart: str) -> dict:
    """The guest's lines join the signed-in cart (quantities add up) and the guest cart is gone.
    A second call finds no guest cart and changes nothing."""
    moved = store.merge(guest_id, user_cart) if guest_id else 0
    return {**view(store, catalog, user_cart), "merged": moved}
