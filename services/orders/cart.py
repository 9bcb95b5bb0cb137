"""Cart use cases: plain functions over the cart store and the catalog; prices are never the client's."""

from __future__ import annotations

from common.errors import Conflict, NotFound, Unavailable

from .cart_store import MAX_LINES, MAX_QUANTITY, is_guest_id

CURRENCY = "USD"


def _product(catalog, product_id: str) -> dict:
    found = catalog.products([product_id]).get(product_id)
    if found is None:
        raise NotFound("No such product", {"product_id": product_id}, code="PRODUCT_NOT_FOUND")
    return found


def _available(catalog, product: dict) -> int:
    levels = catalog.stock([product["sku"]])
    if levels is None:
        raise Unavailable("Stock cannot be checked right now, try again shortly", code="STOCK_UNAVAILABLE")
    return levels[product["sku"]]


def _short(product: dict, available: int, requested: int, in_cart: int = 0) -> Conflict:
    if available <= 0:
        message = f"{product['name']} is out of stock"
    elif in_cart >= available:
        message = f"Your cart already holds all {available} available"
    else:
        message = f"Only {available} available" + (f", {in_cart} already in your cart" if in_cart else "")
    return Conflict(
        message,
        {"product_id": product["id"], "available": max(available, 0), "in_cart": in_cart, "requested": requested},
        code="INSUFFICIENT_STOCK",
    )


def _priced(store, catalog, cart_id: str | None, lines: dict[str, int]) -> dict[str, dict]:
    """The lines' products now, remembered for later; with the catalog down, as last seen (if every line was)."""
    if not lines:
        return {}
    try:
        products = catalog.products(lines)
    except Unavailable:
        seen = store.seen(cart_id)
        if any(pid not in seen for pid in lines):
            raise
        return {pid: {**seen[pid], "id": pid} for pid in lines}
    gone = [pid for pid in lines if pid not in products]
    store.remove(cart_id, *gone)
    store.remember(cart_id, products)
    return products


def view(store, catalog, cart_id: str | None) -> dict:
    """The cart priced now (as last seen when the catalog is down); lines whose product is gone are dropped, and
    each line says what stock allows."""
    lines = store.lines(cart_id) if cart_id else {}
    products = _priced(store, catalog, cart_id, lines)
    levels = catalog.stock(p["sku"] for p in products.values())
    items = []
    for pid, product in sorted(products.items(), key=lambda kv: (kv[1]["name"], kv[0])):
        quantity = lines[pid]
        available = None if levels is None else levels[product["sku"]]
        items.append(
            {
                "product_id": pid,
                "sku": product["sku"],
                "name": product["name"],
                "image": product.get("image"),
                "price": product["price"],
                "currency": product["currency"],
                "quantity": quantity,
                "line_total": product["price"] * quantity,
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


def add_item(store, catalog, cart_id: str, product_id: str, quantity: int) -> dict:
    product = _product(catalog, product_id)
    available = _available(catalog, product)
    result = store.add(cart_id, product_id, quantity, limit=available)
    if result == -2:
        raise Conflict(f"A cart holds at most {MAX_LINES} different products", code="CART_FULL")
    if result < 0:
        in_cart = store.lines(cart_id).get(product_id, 0)
        if in_cart + quantity > MAX_QUANTITY and available >= in_cart + quantity:
            raise Conflict(
                f"At most {MAX_QUANTITY} of one product per cart",
                {"product_id": product_id, "max": MAX_QUANTITY},
                code="QUANTITY_LIMIT",
            )
        raise _short(product, available, quantity, in_cart)
    return view(store, catalog, cart_id)


def set_quantity(store, catalog, cart_id: str, product_id: str, quantity: int) -> dict:
    """A new quantity for a line; zero removes it."""
    if quantity == 0:
        return remove_item(store, catalog, cart_id, product_id)
    if product_id not in store.lines(cart_id):
        raise NotFound("That product is not in your cart", {"product_id": product_id}, code="LINE_NOT_FOUND")
    product = _product(catalog, product_id)
    available = _available(catalog, product)
    if quantity > available:
        raise _short(product, available, quantity)
    if store.set(cart_id, product_id, quantity) < 0:
        raise NotFound("That product is not in your cart", {"product_id": product_id}, code="LINE_NOT_FOUND")
    return view(store, catalog, cart_id)


def remove_item(store, catalog, cart_id: str, product_id: str) -> dict:
    if not store.remove(cart_id, product_id):
        raise NotFound("That product is not in your cart", {"product_id": product_id}, code="LINE_NOT_FOUND")
    return view(store, catalog, cart_id)


def merge(store, catalog, guest_id: str | None, user_cart: str) -> dict:
    """The guest's lines join the signed-in cart (quantities add up) and the guest cart is gone.
    A second call finds no guest cart and changes nothing."""
    moved = store.merge(guest_id, user_cart) if guest_id else 0
    return {**view(store, catalog, user_cart), "merged": moved}
