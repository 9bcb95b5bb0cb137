"""What the payment use cases need from the outside, as Protocols (the card processor's is processor.Processor)."""

from __future__ import annotations

from typing import Protocol

from common.events import Event


class Methods(Protocol):
    def insert(self, doc: dict) -> None: ...

    def get(self, token: str) -> dict | None: ...


class Charges(Protocol):
    def get(self, order_id: str) -> dict | None: ...

    def create(self, doc: dict) -> bool: ...

    def move(
        self, order_id: str, src: str | tuple[str, ...], fields: dict, *events: Event, inc: dict | None = None
    ) -> dict | None: ...

    def for_user(self, user_id: str | None, order_id: str | None, limit: int = 50) -> list[dict]: ...
