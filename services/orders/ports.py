"""What the order use cases need from the outside, as Protocols: the real repository or a test's fake fits."""

from __future__ import annotations

from typing import Protocol

from common.messaging.events import Event


class Orders(Protocol):
    def insert(self, doc: dict, event: Event) -> tuple[dict, bool]: ...

    def get(self, order_id: str, user_id: str | None = None) -> dict | None: ...

    def by_idempotency(self, idem: str, user_id: str | None) -> dict | None: ...

    def list_for_user(self, user_id: str, skip: int, limit: int) -> tuple[list[dict], int]: ...

    def transition(
        self,
        order_id: str,
        src: str,
        path: list[str],
        reason: str | None = None,
        fields: dict | None = None,
        events: tuple[Event, ...] = (),
        user_id: str | None = None,
    ) -> dict | None: ...

    def claim_guest(self, email: str, user_id: str) -> int: ...


class Catalog(Protocol):
    def products(self, ids) -> dict[str, dict]: ...


class ShopperCart(Protocol):
    """The shopper's cart (a signed-in shopper's own, or the guest's it names), as an order takes it."""

    def lines(self, cart_id: str | None) -> list[dict]: ...

    def take_ordered(self, order: dict) -> None: ...
