"""The order's view of the shopper's cart: its lines when an order is placed, and taking them out once it is paid."""

from __future__ import annotations

from .cart_store import CartStore, user_cart_id


class CartLines:
    def __init__(self, store: CartStore):
        self.store = store

    def lines(self, cart_id: str | None) -> list[dict]:
        held = self.store.lines(cart_id) if cart_id else {}
        return [{"sku": sku, "quantity": qty} for sku, qty in held.items()]

    def take_ordered(self, order: dict) -> None:
        """The confirmed order's quantities leave the cart it was placed from: until then a failed or abandoned
        order keeps it whole. Orders placed before guests could order name their cart by their user only."""
        cart_id = order.get("cart_id") or (user_cart_id(order["user_id"]) if order.get("user_id") else None)
        if not cart_id:
            return
        ordered: dict[str, int] = {}
        for line in order["lines"]:  # a line is a variant, and the cart holds variants by SKU
            # (a cart written before variants held the product by id: a key it lacks is dropped at once)
            for key in {line["sku"], line["product_id"]}:
                ordered[key] = ordered.get(key, 0) + int(line["quantity"])
        self.store.take(cart_id, ordered)
