"""The order state machine of DESIGN.md: states, legal transitions and the reasons orders end."""

from __future__ import annotations

from typing import Literal

PENDING = "PENDING"
AWAITING_PAYMENT = "AWAITING_PAYMENT"
CONFIRMED = "CONFIRMED"
SHIPPED = "SHIPPED"
DELIVERED = "DELIVERED"
REJECTED = "REJECTED"
CANCELLED = "CANCELLED"

STATES = (PENDING, AWAITING_PAYMENT, CONFIRMED, SHIPPED, DELIVERED, REJECTED, CANCELLED)
# STATES as a type, for fields that take a state (a type checker cannot read a Literal built from the tuple).
Status = Literal["PENDING", "AWAITING_PAYMENT", "CONFIRMED", "SHIPPED", "DELIVERED", "REJECTED", "CANCELLED"]

TRANSITIONS: dict[str, frozenset[str]] = {
    PENDING: frozenset({AWAITING_PAYMENT, REJECTED}),
    AWAITING_PAYMENT: frozenset({CONFIRMED, CANCELLED}),
    CONFIRMED: frozenset({SHIPPED, CANCELLED}),
    SHIPPED: frozenset({DELIVERED}),
    DELIVERED: frozenset(),
    REJECTED: frozenset(),
    CANCELLED: frozenset(),
}

# The checkout waits for one of these: the saga has decided.
SETTLED = frozenset({CONFIRMED, SHIPPED, DELIVERED, REJECTED, CANCELLED})
# The customer may cancel until the order ships.
CANCELLABLE = frozenset({AWAITING_PAYMENT, CONFIRMED})

# Why an order ended, as stored on the order and shown to the shopper.
REASONS = {
    "out_of_stock": "Out of stock",
    "declined": "Card declined",
    "insufficient_funds": "Insufficient funds",
    "processing_error": "Payment could not be processed",
    "payment_intent_authentication_failure": "Your bank did not confirm the payment",
    "expired_card": "Card expired",
    "invalid_payment_method": "Payment method not accepted",
    "reservation_expired": "Reservation expired before payment",
    "customer": "Cancelled by you",
    "shop": "Cancelled by the shop",
}


class IllegalTransition(ValueError):
    def __init__(self, src: str, dst: str):
        super().__init__(f"an order cannot go from {src} to {dst}")
        self.src, self.dst = src, dst


def can_transition(src: str, dst: str) -> bool:
    return dst in TRANSITIONS.get(src, frozenset())


def check_transition(src: str, dst: str) -> None:
    if not can_transition(src, dst):
        raise IllegalTransition(src, dst)


def check_path(src: str, path: list[str] | tuple[str, ...]) -> None:
    """Every step of a path must be legal: events may arrive out of order, so a late consumer may
    take an order through two steps at once (PENDING -> AWAITING_PAYMENT -> CONFIRMED)."""
    current = src
    for step in path:
        check_transition(current, step)
        current = step


def path_to(src: str, dst: str) -> list[str] | None:
    """The shortest legal path from src to dst (breadth first; the graph is tiny), or None."""
    frontier: list[tuple[str, list[str]]] = [(src, [])]
    seen = {src}
    while frontier:
        state, path = frontier.pop(0)
        for nxt in sorted(TRANSITIONS[state]):
            if nxt == dst:
                return path + [nxt]
            if nxt not in seen:
                seen.add(nxt)
                frontier.append((nxt, path + [nxt]))
    return None


def reason_text(code: str | None) -> str | None:
    return REASONS.get(code, code) if code else None
