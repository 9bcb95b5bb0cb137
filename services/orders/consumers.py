"""The orders side of the checkout saga: each event moves an order at most once, whatever the order of arrival."""

from __future__ import annotations

import logging

from common.messaging.events import Event
from common.messaging.messages import (
    AccountDeleted,
    EmailVerified,
    PaymentFailed,
    PaymentOutcome,
    PaymentRefunded,
    PaymentSucceeded,
    StockRejected,
    StockReleased,
    StockReserved,
)

from . import deletion, promos, service
from .states import AWAITING_PAYMENT, CANCELLED, CONFIRMED, PENDING, REJECTED

log = logging.getLogger(__name__)


def _payment_facts(paid: PaymentOutcome, status: str, charge_id: str | None = None, reason: str | None = None) -> dict:
    return {"status": status, "charge_id": charge_id, "brand": paid.brand, "last4": paid.last4, "reason": reason}


def handlers(repo, codes=None, carts=None) -> dict:
    """Topic -> handler. The runner skips repeated event_ids; the conditional writes make replays no-ops too.

    An order rejected or cancelled before payment gives its promo code's use back (`codes`, the promotions); a
    confirmed order placed from the cart takes its lines out of the cart then (`carts`, CartLines), once.
    """

    def stock_reserved(event: Event) -> None:
        reserved = StockReserved.parse(event)
        service.advance(
            repo,
            reserved.order_id,
            AWAITING_PAYMENT,
            frozenset({PENDING}),
            fields={"reservation_expires_at": reserved.expires_at},
            user_id=reserved.user_id,
        )

    def stock_rejected(event: Event) -> None:
        rejected = StockRejected.parse(event)
        moved = service.advance(
            repo,
            rejected.order_id,
            REJECTED,
            frozenset({PENDING}),
            reason="out_of_stock",
            fields={"unavailable": rejected.skus},
            user_id=rejected.user_id,
        )
        promos.release_unpaid(codes, moved)

    def payment_succeeded(event: Event) -> None:
        paid = PaymentSucceeded.parse(event)
        # A payment is only taken after stock.reserved, so a PENDING order may skip ahead two steps.
        payment = _payment_facts(paid, "succeeded", charge_id=paid.charge_id)
        moved = service.advance(
            repo,
            paid.order_id,
            CONFIRMED,
            frozenset({PENDING, AWAITING_PAYMENT}),
            fields={"payment": payment},
            events_for=lambda o: [service.confirmed_event(o, payment)],
            user_id=paid.user_id,
        )
        if moved is None:
            # Cancelled meanwhile (expiry, the customer): payments voids on order.cancelled; keep the facts.
            repo.annotate(paid.order_id, {"payment": None}, {"payment": payment}, user_id=paid.user_id)
        elif carts is not None and moved.get("from_cart"):
            carts.take_ordered(moved)

    def payment_failed(event: Event) -> None:
        """One attempt at the provider failed (declined, 3-D Secure failed): the order keeps awaiting payment, and
        shows why, until another card pays or the reservation ends."""
        failed = PaymentFailed.parse(event)
        attempt = _payment_facts(failed, "failed", reason=failed.reason or "declined")
        repo.annotate(failed.order_id, {"status": AWAITING_PAYMENT}, {"payment": attempt}, user_id=failed.user_id)

    def stock_released(event: Event) -> None:
        released = StockReleased.parse(event)
        # Only an expiry is news here; other releases follow a cancellation this service already made.
        if released.reason != "reservation_expired":
            return
        moved = service.advance(
            repo,
            released.order_id,
            CANCELLED,
            frozenset({PENDING, AWAITING_PAYMENT, CONFIRMED}),
            reason="reservation_expired",
            events_for=lambda o: [service.cancelled_event(o, "reservation_expired")],
            user_id=released.user_id,
        )
        promos.release_unpaid(codes, moved)

    def payment_refunded(event: Event) -> None:
        refunded = PaymentRefunded.parse(event)
        total = refunded.refunded_total or refunded.amount  # all refunds so far (an older event: its one refund)
        refund = {
            "refund_id": refunded.refund_id,
            "amount": total,
            "currency": refunded.currency,
            "at": event.occurred_at,
        }
        # The running total only grows: a replayed or late refund event never takes it back.
        newer = {"$or": [{"refund": None}, {"refund.amount": {"$lt": total}}]}
        repo.annotate(refunded.order_id, newer, {"refund": refund}, user_id=refunded.user_id)

    def email_verified(event: Event) -> None:
        """An account confirmed its address: the orders a guest placed with it are the account's now."""
        verified = EmailVerified.parse(event)
        repo.claim_guest(verified.email, verified.user_id)

    def account_deleted(event: Event) -> None:
        """The account is gone: its orders stay for the books without the personal fields; its cart goes."""
        deletion.forget_customer(repo.orders, carts, AccountDeleted.parse(event))

    return {
        AccountDeleted.TOPIC: account_deleted,
        EmailVerified.TOPIC: email_verified,
        StockReserved.TOPIC: stock_reserved,
        StockRejected.TOPIC: stock_rejected,
        PaymentSucceeded.TOPIC: payment_succeeded,
        PaymentFailed.TOPIC: payment_failed,
        StockReleased.TOPIC: stock_released,
        PaymentRefunded.TOPIC: payment_refunded,
    }
