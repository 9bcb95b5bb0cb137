"""Fulfilment events (the back office marks orders shipped and delivered): an email, and a text with a phone.
Keyed per order like every order notice, so a redelivered or replayed event never notifies twice."""

from __future__ import annotations

from common.messaging.messages import OrderDelivered, OrderShipped

from . import order_handlers


def handlers(notifier) -> dict:
    notify = order_handlers.notifier_for(notifier)
    return {
        OrderShipped.TOPIC: notify("shipped", OrderShipped, "Fragmart: order {short_id} is on its way."),
        OrderDelivered.TOPIC: notify(
            "delivered", OrderDelivered, "Fragmart: order {short_id} has been delivered. Enjoy!"
        ),
    }
