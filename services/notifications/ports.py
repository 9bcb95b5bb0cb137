"""What the notification use cases need from the outside, as a Protocol: the real repository or a fake fits."""

from __future__ import annotations

from typing import Protocol


class Deliveries(Protocol):
    def claim(self, record: dict) -> dict | None: ...

    def mark(self, delivery_id: str, status: str, error: str | None = None) -> None: ...

    def for_user(self, user_id: str, skip: int, limit: int) -> tuple[list[dict], int]: ...

    def remember_contact(self, user_id: str, email: str, name: str) -> None: ...

    def contact(self, user_id: str) -> dict | None: ...
