"""What the stock use cases need from the outside, as a Protocol: the real repository or a test's fake fits."""

from __future__ import annotations

from typing import Protocol


class Stock(Protocol):
    def get(self, sku: str) -> dict | None: ...

    def get_many(self, skus) -> list[dict]: ...

    def ensure(self, sku: str, product_id: str | None, available: int, discontinued: bool = False) -> None: ...

    def set_available(self, sku: str, quantity: int, audit_for=None) -> dict: ...
