"""Stock events: the staff hear by email when a SKU runs low, at most once per SKU per day (the key says so)."""

from __future__ import annotations

from datetime import datetime

from common.messaging.messages import StockLow


def handlers(notifier) -> dict:
    def on_low(event) -> None:
        low = StockLow.parse(event)
        # The day the stock fell, not the day the event is read: a redelivery tomorrow is still today's alert.
        day = datetime.fromisoformat(event.occurred_at).date().isoformat()
        context = {"sku": low.sku, "available": low.available, "level": low.level}
        for email in notifier.staff_emails():
            notifier.send_email(email, "stock_low", context, None, key=f"stock-low:{low.sku}:{day}:{email}")

    return {StockLow.TOPIC: on_low}
