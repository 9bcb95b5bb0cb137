"""The payment state machine: one payment per order, from the provider's checkout to capture, void or refunds.

AWAITING (stock reserved; the shopper pays at the provider's page) → AUTHORIZED (the provider holds the amount) →
CAPTURED (taken at shipment; refunds, partial or whole, leave it CAPTURED and add up to at most the amount).
AWAITING → CANCELLED (the order ended before any payment: the provider's checkout is expired).
AUTHORIZED → VOIDED (the order was cancelled before shipment: the hold is released).
CANCELLED → VOIDED (the shopper paid in the very moment the order ended: the late hold is released at once).
"""

from __future__ import annotations

AWAITING = "awaiting"
AUTHORIZED = "authorized"
CAPTURED = "captured"
VOIDED = "voided"
CANCELLED = "cancelled"

STATES = (AWAITING, AUTHORIZED, CAPTURED, VOIDED, CANCELLED)

TRANSITIONS: dict[str, frozenset[str]] = {
    AWAITING: frozenset({AUTHORIZED, CANCELLED}),
    AUTHORIZED: frozenset({CAPTURED, VOIDED}),
    CANCELLED: frozenset({VOIDED}),
    CAPTURED: frozenset(),
    VOIDED: frozenset(),
}


class IllegalTransition(ValueError):
    def __init__(self, src: str, dst: str):
        super().__init__(f"a payment cannot go from {src} to {dst}")
        self.src, self.dst = src, dst


def can_transition(src: str, dst: str) -> bool:
    return dst in TRANSITIONS.get(src, frozenset())


def check_transition(srcs: str | tuple[str, ...], dst: str) -> None:
    for src in (srcs,) if isinstance(srcs, str) else srcs:
        if not can_transition(src, dst):
            raise IllegalTransition(src, dst)
