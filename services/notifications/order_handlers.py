"""Order events: an email (and a text, when the order carries a phone) when an order is confirmed, cancelled or
refunded. Each send has a key per order, so a redelivered event never notifies twice."""

from __future__ import annotations

import logging

from common.formatting import money

log = logging.getLogger(__name__)


def _context(data: dict, contact: dict) -> dict:
    currency = data.get("currency", "USD")
    lines = [
        {
            "name": ln.get("name"),
            "quantity": ln.get("quantity"),
            "price": money(ln.get("unit_price", 0) * ln.get("quantity", 0), currency),
        }
        for ln in data.get("lines", [])
    ]
    return {
        "name": data.get("name") or contact.get("name") or "there",
        "order_id": data["order_id"],
        "short_id": data["order_id"][:8],
        "total": money(data.get("total", data.get("amount", 0)), currency),
        "amount": money(data.get("amount", 0), currency),
        "lines": lines,
        "reason": data.get("reason_text") or "",
        "paid": bool(data.get("paid")),
        "card": f"{(data.get('brand') or 'card').capitalize()} ending in {data['last4']}" if data.get("last4") else "",
    }


def notifier_for(notifier):
    """notify(kind, sms_text) -> an event handler sending the order_<kind> email (and text) once per order."""

    def notify(kind: str, sms_text: str):
        def handle(event) -> None:
            data, user_id = event.data, str(event.data.get("user_id"))
            contact = notifier.contact(user_id) or {}
            ctx = _context(data, contact)
            email = data.get("email") or contact.get("email")
            if email:
                notifier.send_email(email, f"order_{kind}", ctx, user_id, key=f"order-{kind}:{data['order_id']}")
            else:
                log.warning("no email address for an order notice", extra={"order_id": data["order_id"]})
            phone = data.get("phone") or contact.get("phone")
            if phone:
                notifier.send_sms(phone, sms_text.format(**ctx), user_id, key=f"order-{kind}-sms:{data['order_id']}")

        return handle

    return notify


def handlers(notifier) -> dict:
    notify = notifier_for(notifier)
    return {
        "order.confirmed": notify("confirmed", "Fragmart: order {short_id} is confirmed ({total}). Thank you!"),
        "order.cancelled": notify("cancelled", "Fragmart: order {short_id} is cancelled. {reason}"),
        "payment.refunded": notify("refunded", "Fragmart: {amount} for order {short_id} is refunded to your card."),
    }
