"""The order's view of the shopper's cart: its lines when an order is placed, and clearing it after."""

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
