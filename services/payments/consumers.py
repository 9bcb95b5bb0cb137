"""The payments side of the saga: open the payment when stock is reserved, capture at shipment, void on cancel."""

from __future__ import annotations

from common.messaging.events import Event
from common.messaging.messages import AccountDeleted, EmailVerified, OrderCancelled, OrderShipped, StockReserved

from . import deletion, service
from .openings import Openings


def handlers(charges, provider, metrics=None, openings: Openings | None = None) -> dict:
    def stock_reserved(event: Event) -> None:
        reserved = StockReserved.parse(event)
        if "payment" in reserved.model_fields_set:  # a reservation made without a payment to take is not ours
            service.open_payment(charges, provider, reserved)
            if openings is not None:
                openings.opened()  # a checkout request waiting for it answers now

    def order_shipped(event: Event) -> None:
        service.capture(charges, provider, OrderShipped.parse(event), metrics)

    def order_cancelled(event: Event) -> None:
        service.cancel(charges, provider, OrderCancelled.parse(event), metrics)

    def email_verified(event: Event) -> None:
        """An account confirmed its address: a guest's payments with it are the account's now, as their orders."""
        verified = EmailVerified.parse(event)
        charges.claim_guest(verified.email, verified.user_id)

    def account_deleted(event: Event) -> None:
        """The account is gone: its payments stay for the books without the personal fields."""
        deletion.forget_customer(charges.charges, AccountDeleted.parse(event))

    return {
        AccountDeleted.TOPIC: account_deleted,
        EmailVerified.TOPIC: email_verified,
        StockReserved.TOPIC: stock_reserved,
        OrderShipped.TOPIC: order_shipped,
        OrderCancelled.TOPIC: order_cancelled,
    }
