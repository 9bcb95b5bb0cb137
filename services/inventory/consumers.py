"""The topics inventory consumes: the catalog's products, and its side of the checkout saga."""

from __future__ import annotations

from common.messaging.messages import OrderCancelled, OrderConfirmed, OrderPlaced, PaymentSucceeded, ProductChanged

from . import reservations as rs
from . import service


def catalog_handlers(stock) -> dict:
    return {ProductChanged.TOPIC: lambda e: service.apply_product_change(stock, ProductChanged.parse(e))}


def reservation_handlers(reservations, stock, ttl: int) -> dict:
    """A failed payment attempt releases nothing: the shopper may try another card until the reservation ends."""
    return {
        OrderPlaced.TOPIC: lambda e: rs.reserve(reservations, stock, OrderPlaced.parse(e), ttl),
        PaymentSucceeded.TOPIC: lambda e: reservations.mark_paid(PaymentSucceeded.parse(e).order_id),
        OrderConfirmed.TOPIC: lambda e: rs.commit(reservations, stock, OrderConfirmed.parse(e).order_id),
        OrderCancelled.TOPIC: lambda e: rs.release(
            reservations, stock, OrderCancelled.parse(e).order_id, "order_cancelled"
        ),
    }


def handlers(reservations, stock, ttl: int) -> dict:
    """Topic -> handler for the inventory process."""
    return {**catalog_handlers(stock), **reservation_handlers(reservations, stock, ttl)}
