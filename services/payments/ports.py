"""What the payment use cases need from the outside, as Protocols: the payments store and the provider."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from common.messaging.events import Event


class Charges(Protocol):
    def get(self, order_id: str) -> dict | None: ...

    def create(self, doc: dict) -> bool: ...

    def move(
        self, order_id: str, src: str | tuple[str, ...], fields: dict, *events: Event, entry: dict | None = None
    ) -> dict | None: ...

    def set_checkout(self, order_id: str, session_id: str, url: str) -> dict | None: ...

    def reserve_refund(self, order_id: str, key: str, amount: int) -> dict | None: ...

    def finish_refund(self, order_id: str, key: str, refund_id: str, amount: int, *events: Event) -> dict | None: ...

    def undo_refund(self, order_id: str, key: str, amount: int) -> None: ...

    def for_user(self, user_id: str | None, order_id: str | None, limit: int = 50) -> list[dict]: ...

    def claim_guest(self, email: str, user_id: str) -> int: ...


class ProviderUnavailable(Exception):
    """The provider did not answer, or refused a call the shop made in good faith; nothing changed on our side."""


class SignatureInvalid(Exception):
    """A webhook whose signature is missing, wrong or older than the tolerance: nothing in it is believed."""


@dataclass(frozen=True)
class Checkout:
    """The provider's checkout for an order: its id, and the hosted page the shopper is sent to."""

    session_id: str
    url: str


@dataclass(frozen=True)
class ProviderState:
    """What the provider says of a checkout now: open, expired, pending, authorized, captured, voided or failed."""

    state: str
    intent_id: str | None
    amount: int


@dataclass(frozen=True)
class ProviderEvent:
    """A verified webhook delivery, reduced to what the saga reads; the provider is asked for the rest."""

    event_id: str
    type: str
    created: int
    order_id: str | None
    session_id: str | None
    intent_id: str | None = None
    reason: str | None = None  # a failed attempt's decline code


class Processor(Protocol):
    """The payment provider's port: one implementation, stripe_adapter.StripeProcessor (README "Adding a provider")."""

    name: str

    def create_checkout(
        self,
        order_id: str,
        amount: int,
        currency: str,
        *,
        shop: str,
        email: str | None,
        success_url: str,
        cancel_url: str,
        expires_at: int,
    ) -> Checkout: ...

    def lookup(self, session_id: str) -> ProviderState: ...

    def cancel_checkout(self, session_id: str) -> None: ...

    def capture(self, intent_id: str, amount: int) -> None: ...

    def void(self, intent_id: str) -> None: ...

    def refund(self, intent_id: str, amount: int, idempotency_key: str) -> str: ...

    def parse_webhook(self, payload: bytes, signature: str | None) -> ProviderEvent: ...
