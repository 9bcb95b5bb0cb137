"""The orders side of the checkout saga: each event moves an order at most once, whatever the order of arrival."""

from __future__ import annotations

import logging

from common.events import Event

from . import service
from .states import AWAITING_PAYMENT, CANCELLED, CONFIRMED, PENDING, REJECTED

log = logging.getLogger(__name__)


def _payment_facts(data: dict, status: str) -> dict:
    return {
        "status": status,
        "charge_id": data.get("charge_id"),
        "brand": data.get("brand"),
        "last4": data.get("last4"),
        "reason": data.get("reason"),
    }


def handlers(repo) -> dict:
    """Topic -> handler. The runner skips repeated event_ids; the conditional writes make replays no-ops too."""

    def stock_reserved(event: Event) -> None:
        service.advance(
            repo,
            event.data["order_id"],
            AWAITING_PAYMENT,
            frozenset({PENDING}),
            fields={"reservation_expires_at": event.data.get("expires_at")},
        )

    def stock_rejected(event: Event) -> None:
        service.advance(
            repo,
            event.data["order_id"],
            REJECTED,
            frozenset({PENDING}),
            reason="out_of_stock",
            fields={"unavailable": event.data.get("skus", [])},
        )

    def payment_succeeded(event: Event) -> None:
        # A payment is only taken after stock.reserved, so a PENDING order may skip ahead two steps.
        payment = _payment_facts(event.data, "succeeded")
        moved = service.advance(
            repo,
            event.data["order_id"],
            CONFIRMED,
            frozenset({PENDING, AWAITING_PAYMENT}),
            fields={"payment": payment},
            events_for=lambda o: [service.confirmed_event(o, payment)],
        )
        if moved is None:
            # Cancelled meanwhile (expiry, the customer): payments refunds on order.cancelled; keep the facts.
            repo.annotate(event.data["order_id"], {"payment": None}, {"payment": payment})

    def payment_failed(event: Event) -> None:
        reason = event.data.get("reason") or "declined"
        service.advance(
            repo,
            event.data["order_id"],
            CANCELLED,
            frozenset({PENDING, AWAITING_PAYMENT}),
            reason=reason,
            fields={"payment": _payment_facts(event.data, "failed")},
            events_for=lambda o: [service.cancelled_event(o, reason)],
        )

    def stock_released(event: Event) -> None:
        # Only an expiry is news here; other releases follow a cancellation this service already made.
        if event.data.get("reason") != "reservation_expired":
            return
        service.advance(
            repo,
            event.data["order_id"],
            CANCELLED,
            frozenset({PENDING, AWAITING_PAYMENT, CONFIRMED}),
            reason="reservation_expired",
            events_for=lambda o: [service.cancelled_event(o, "reservation_expired")],
        )

    def payment_refunded(event: Event) -> None:
        refund = {
            "refund_id": event.data.get("refund_id"),
            "amount": event.data.get("amount"),
            "currency": event.data.get("currency"),
            "at": event.occurred_at,
        }
        repo.annotate(event.data["order_id"], {"refund": None}, {"refund": refund})

    return {
        "stock.reserved": stock_reserved,
        "stock.rejected": stock_rejected,
        "payment.succeeded": payment_succeeded,
        "payment.failed": payment_failed,
        "stock.released": stock_released,
        "payment.refunded": payment_refunded,
    }
