"""The order's view of the shopper's cart: its lines when an order is placed, and taking them out once it is paid."""

from __future__ import annotations

from .cart_store import CartStore, user_cart_id


class CartLines:
    def __init__(self, store: CartStore):
        self.store = store

    def lines(self, identity) -> list[dict]:
        held = self.store.lines(user_cart_id(identity.user_id))
        return [{"product_id": pid, "quantity": qty} for pid, qty in held.items()]

    def clear(self, identity) -> None:
        self.store.clear(user_cart_id(identity.user_id))

    def take_ordered(self, user_id: str, lines: list[dict]) -> None:
        """The confirmed order's quantities leave the cart: until then a failed or abandoned order keeps it whole."""
        ordered: dict[str, int] = {}
        for line in lines:
            ordered[line["product_id"]] = ordered.get(line["product_id"], 0) + int(line["quantity"])
        self.store.take(user_cart_id(user_id), ordered)
