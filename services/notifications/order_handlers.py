"""Order events: an email (and a text, when the order carries a phone) when an order is confirmed, cancelled or
refunded. Each send has a key per order (per refund, for refunds), so a redelivered event never notifies twice."""

from __future__ import annotations

import logging

from common.formatting import money
from common.messaging.messages import OrderCancelled, OrderConfirmed, OrderSummary, PaymentRefunded

log = logging.getLogger(__name__)
Notice = OrderSummary | PaymentRefunded  # every event about one order that the customer hears of


def _context(notice: Notice, contact: dict, link: str | None = None) -> dict:
    currency = notice.currency
    if isinstance(notice, PaymentRefunded):  # a refund's notice speaks of the money given back and the card
        total, amount, lines = notice.amount, notice.amount, []
        card = f"{(notice.brand or 'card').capitalize()} ending in {notice.last4}" if notice.last4 else ""
    else:
        total, amount, lines, card = notice.total, 0, notice.lines, ""
    cancelled = notice if isinstance(notice, OrderCancelled) else None
    summary = notice if isinstance(notice, OrderSummary) else None
    return {
        "name": notice.name or contact.get("name") or "there",
        "order_id": notice.order_id,
        "short_id": notice.order_id[:8],
        # A guest's order opens by its signed link; a shopper's by its page, after signing in.
        "order_path": f"/orders/link/{link}" if link else f"/orders/{notice.order_id}",
        "total": money(total, currency),
        "amount": money(amount, currency),
        "lines": [
            {"name": ln.name, "quantity": ln.quantity, "price": money(ln.unit_price * ln.quantity, currency)}
            for ln in lines
        ],
        "reason": (cancelled.reason_text or "") if cancelled else "",
        "paid": bool(cancelled and cancelled.paid),
        "card": card,
        "price_lines": price_lines(summary.breakdown, currency) if summary and summary.breakdown else [],
        "shipment": summary.shipment.model_dump() if summary and summary.shipment else None,
    }


def price_lines(b, currency: str) -> list[tuple[str, str]]:
    """The order's breakdown as the emails print it above the Total, the same lines as every page."""
    lines = [("Subtotal", money(b.subtotal, currency))]
    if b.discount:
        lines.append((f"Discount ({b.promo_code})" if b.promo_code else "Discount", "−" + money(b.discount, currency)))
    lines.append(("Delivery", money(b.delivery, currency) if b.delivery else "Free"))
    lines.append(("Tax (included)" if b.tax_inclusive else "Tax", money(b.tax, currency)))
    return lines


def notifier_for(notifier):
    """notify(kind, message, sms_text) -> an event handler sending the order_<kind> email (and text) once per
    order, from the event parsed as `message`."""

    def notify(kind: str, message: type[Notice], sms_text: str):
        def handle(event) -> None:
            notice = message.parse(event)
            user_id = notice.user_id  # None: a guest's order
            contact = (notifier.contact(user_id) if user_id else None) or {}
            email = notice.email or contact.get("email")
            link = notifier.order_link(notice.order_id, email) if email and not user_id else None
            ctx = _context(notice, contact, link)
            # Several partial refunds of one order are several notices: each is keyed by its refund.
            once = f"{notice.order_id}:{notice.refund_id}" if isinstance(notice, PaymentRefunded) else notice.order_id
            if email:
                notifier.send_email(email, f"order_{kind}", ctx, user_id, key=f"order-{kind}:{once}")
            else:
                log.warning("no email address for an order notice", extra={"order_id": notice.order_id})
            phone = notice.phone or contact.get("phone")
            if phone:
                notifier.send_sms(phone, sms_text.format(**ctx), user_id, key=f"order-{kind}-sms:{once}")

        return handle

    return notify


def handlers(notifier) -> dict:
    notify = notifier_for(notifier)
    return {
        OrderConfirmed.TOPIC: notify(
            "confirmed", OrderConfirmed, "Fragmart: order {short_id} is confirmed ({total}). Thank you!"
        ),
        OrderCancelled.TOPIC: notify("cancelled", OrderCancelled, "Fragmart: order {short_id} is cancelled. {reason}"),
        PaymentRefunded.TOPIC: notify(
            "refunded", PaymentRefunded, "Fragmart: {amount} for order {short_id} is refunded to your card."
        ),
    }
