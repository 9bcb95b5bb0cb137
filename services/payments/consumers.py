"""The payments side of the saga: charge when stock is reserved, refund when a paid order is cancelled."""

from __future__ import annotations

from common.events import Event

from . import service


def handlers(charges, methods, processor) -> dict:
    def stock_reserved(event: Event) -> None:
        if "payment" in event.data:
            service.charge_order(charges, methods, processor, event.data)

    def order_cancelled(event: Event) -> None:
        service.refund_order(charges, processor, event.data)

    return {"stock.reserved": stock_reserved, "order.cancelled": order_cancelled}
