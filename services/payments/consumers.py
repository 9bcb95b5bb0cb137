"""The payments side of the saga: charge when stock is reserved, refund when a paid order is cancelled."""

from __future__ import annotations

from common.events import Event
from common.messages import OrderCancelled, StockReserved

from . import service


def handlers(charges, methods, processor) -> dict:
    def stock_reserved(event: Event) -> None:
        reserved = StockReserved.parse(event)
        if "payment" in reserved.model_fields_set:  # a reservation made without a payment to take is not ours
            service.charge_order(charges, methods, processor, reserved)

    def order_cancelled(event: Event) -> None:
        service.refund_order(charges, processor, OrderCancelled.parse(event))

    return {StockReserved.TOPIC: stock_reserved, OrderCancelled.TOPIC: order_cancelled}
