"""What the catalog use cases need from the outside, as Protocols: the real ones or a test's fakes fit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from common.messaging.events import Event


class Products(Protocol):
    def search(self, *, sort: str, skip: int, limit: int, **criteria) -> tuple[list[dict], int]: ...

    def search_with_facets(self, *, sort: str, skip: int, limit: int, **criteria) -> tuple[list[dict], int, dict]: ...

    def get(self, product_id: str) -> dict | None: ...

    def categories(self) -> list[str]: ...

    def sku_taken(self, sku: str) -> bool: ...

    def insert(self, doc: dict, event: Event, *more: Event) -> None: ...

    def update(
        self, product_id: str, changes: dict, event_for: Callable[[dict], Event], audit_for=None
    ) -> dict | None: ...

    def set_stock_flags(self, product_id: str | None, sku: str, in_stock: bool, at: datetime) -> bool: ...

    def count(self) -> int: ...


class ReadCache(Protocol):
    """Answers kept for a short while, dropped on every catalog change."""

    def get_or_compute(self, kind: str, params: dict, compute: Callable[[], Any]) -> Any: ...

    def invalidate(self) -> None: ...

    def invalidate_or_raise(self, kind: str | None = None) -> None: ...
