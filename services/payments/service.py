"""Payment use cases: the provider's checkout for an order, its authorization (the provider's word only), capture
at shipment, void on cancel, and refunds up to the captured total. No card number ever reaches this service."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from common.auth.identity import Identity
from common.clock import now
from common.errors import AppError, Conflict, NotFound, ValidationError
from common.formatting import money
from common.messaging.messages import (
    OrderCancelled,
    OrderShipped,
    PaymentCaptured,
    PaymentFailed,
    PaymentOutcome,
    PaymentRefunded,
    PaymentSucceeded,
    PaymentVoided,
    StockReserved,
)
from common.observability import tracing

from . import states
from .openings import Openings
from .ports import Charges, Processor, ProviderState, ProviderUnavailable

log = logging.getLogger(__name__)
SOURCE = "payments"
# Stripe takes a Checkout Session's expiry between 30 minutes and 24 hours ahead; an order whose stock reservation
# ends first is cancelled, and its checkout expired, by the order.cancelled it brings.
CHECKOUT_LIFETIME = 31 * 60
# The provider's decline codes an order shows (services/orders/states.py REASONS); any other is "declined".
FAILURES = (
    "declined",
    "insufficient_funds",
    "processing_error",
    "payment_intent_authentication_failure",
    "expired_card",
)
PUBLIC = ("status", "amount", "currency", "refunded", "charge_id")


class PaymentsUnavailable(AppError):
    status, code = 503, "PAYMENTS_UNAVAILABLE"


@dataclass(frozen=True)
class Shop:
    """Where the provider sends the shopper back, and the name its page shows."""

    url: str
    name: str

    def return_url(self, order_id: str, left: bool = False) -> str:
        return f"{self.url}/checkout/return?order={order_id}" + ("&left=1" if left else "")


def public_payment(doc: dict) -> dict:
    return {
        "order_id": doc["_id"],
        **{k: doc.get(k) for k in PUBLIC},
        "history": [
            {"kind": h["kind"], "amount": h.get("amount"), "at": h["at"].isoformat() if h.get("at") else None}
            for h in doc.get("history", [])
        ],
        "created_at": doc["created_at"].isoformat() if doc.get("created_at") else None,
    }


@dataclass(frozen=True)
class OrderLink:
    """A guest's signed order link (common/auth/order_links.py): that one order, while its email is the payment's."""

    order_id: str
    email: str


Payer = Identity | OrderLink  # a signed-in shopper (or an admin), or a guest holding their order's link


def owns(doc: dict | None, payer: Payer) -> bool:
    """Whether the payer may see and pay this payment: someone else's looks the same as none."""
    if doc is None:
        return False
    if isinstance(payer, OrderLink):
        return doc["_id"] == payer.order_id and (doc.get("email") or "").lower() == payer.email
    return payer.is_admin or doc.get("user_id") == payer.user_id


def list_payments(charges: Charges, payer: Payer, order_id: str | None) -> list[dict]:
    if isinstance(payer, OrderLink):
        doc = charges.get(payer.order_id) if order_id in (None, payer.order_id) else None
        docs = [doc] if doc is not None and owns(doc, payer) else []
    else:
        docs = charges.for_user(None if payer.is_admin else payer.user_id, order_id)
    if order_id and not docs and not (isinstance(payer, Identity) and payer.is_admin):
        raise NotFound("No payment for that order")  # someone else's order looks the same as none
    return [public_payment(d) for d in docs]


def _outcome(message: type[PaymentOutcome], doc: dict, **extra) -> PaymentOutcome:
    facts = {
        "order_id": doc["_id"],
        "user_id": doc.get("user_id"),
        "email": doc.get("email"),
        "name": doc.get("name"),
        "amount": doc["amount"],
        "currency": doc["currency"],
    }
    return message(**{**facts, **extra})


def _move(charges: Charges, doc: dict, dst: str, fields: dict | None = None, *events, entry: dict | None = None):
    """A legal move of the payment from where it stands to `dst`; None if it had moved meanwhile."""
    states.check_transition(doc["status"], dst)
    return charges.move(doc["_id"], doc["status"], {**(fields or {}), "status": dst}, *events, entry=entry)


def open_payment(charges: Charges, provider: Processor | None, reserved: StockReserved) -> dict | None:
    """stock.reserved: the order may now be paid. A re-drive (the orders watchdog) asks the provider for a webhook
    that may have been missed, and says a decided authorization again."""
    order_id, request = reserved.order_id, reserved.payment
    if request is None:
        raise ValueError(f"stock.reserved for {order_id} carries no payment to take")
    charges.create(
        {
            "_id": order_id,
            "user_id": reserved.user_id,
            "email": reserved.email,
            "name": reserved.name,
            "amount": request.amount,
            "currency": request.currency,
            "status": states.AWAITING,
            "session_id": None,
            # The checkout's trace: the provider's word arrives on a webhook of its own, and its event joins this.
            "traceparent": tracing.current_traceparent(),
        }
    )
    doc = charges.get(order_id)
    if doc is None or not reserved.redrive:
        return doc
    if doc["status"] == states.AWAITING and doc.get("session_id") and provider is not None:
        return settle(charges, provider, order_id, doc["session_id"])
    if doc["status"] == states.AUTHORIZED:  # decided before: its event is queued again, nothing is taken again
        log.info("authorization re-announced", extra={"order_id": order_id})
        return charges.move(order_id, doc["status"], {}, _authorized_event(doc))
    return doc


def _authorized_event(doc: dict):
    """payment.succeeded, in the trace of the checkout it ends (the webhook that brought the news starts another)."""
    with tracing.attached(doc.get("traceparent")):
        return _outcome(PaymentSucceeded, doc, charge_id=doc.get("charge_id")).event(SOURCE)


def start_checkout(charges: Charges, provider: Processor | None, shop: Shop, payer: Payer, order_id: str) -> dict:
    """The provider's hosted page for the order: made once per order, so a double click or a second tab gets the
    same page. Refused (409) until stock is reserved, and once the order is paid or closed."""
    doc = charges.get(order_id)
    if not owns(doc, payer):
        doc = None  # someone else's order looks the same as none
    if doc is None:
        raise Conflict("The order is not ready to pay yet.", code="PAYMENT_NOT_READY")
    if doc["status"] != states.AWAITING:
        code = "ALREADY_PAID" if doc["status"] in (states.AUTHORIZED, states.CAPTURED) else "ORDER_CLOSED"
        raise Conflict("This order cannot be paid now.", code=code, details={"status": doc["status"]})
    if doc.get("session_id") and doc.get("url"):
        return {"order_id": order_id, "url": doc["url"]}
    if provider is None:
        raise PaymentsUnavailable("No payment provider is configured.")
    try:
        checkout = provider.create_checkout(
            order_id,
            doc["amount"],
            doc["currency"],
            shop=shop.name,
            email=doc.get("email"),
            success_url=shop.return_url(order_id),
            cancel_url=shop.return_url(order_id, left=True),
            expires_at=int(time.time()) + CHECKOUT_LIFETIME,
        )
    except ProviderUnavailable as e:
        log.warning("checkout not created", extra={"order_id": order_id, "why": str(e)[:120]})
        raise PaymentsUnavailable("The payment provider is unavailable. Please try again in a moment.") from None
    kept = charges.set_checkout(order_id, checkout.session_id, checkout.url) or doc
    return {"order_id": order_id, "url": kept.get("url") or checkout.url}


def start_checkout_when_ready(
    charges: Charges,
    provider: Processor | None,
    shop: Shop,
    payer: Payer,
    order_id: str,
    openings: Openings,
    wait: float,
) -> dict:
    """start_checkout, waiting up to `wait` seconds for the order's payment to open: woken by this process's
    consumer when it opens one (payments/openings.py), looking again every LOOK_AGAIN in case another process did.
    When as many requests wait as the worker can spare, this one answers at once."""
    deadline, waiting = time.monotonic() + wait, False
    try:
        while True:
            seen = openings.count()
            try:
                return start_checkout(charges, provider, shop, payer, order_id)
            except Conflict as e:
                if e.code != "PAYMENT_NOT_READY" or time.monotonic() >= deadline:
                    raise
                waiting = waiting or openings.waiter()
                if not waiting:
                    raise
            openings.wait(seen, deadline - time.monotonic())
    finally:
        if waiting:
            openings.done()


def settle(charges: Charges, provider: Processor, order_id: str, session_id: str, metrics=None) -> dict | None:
    """Ask the provider how the order's checkout stands and record it: the only way a payment becomes authorized
    (from a webhook, the watchdog's re-drive or the return page). Replays and late answers change nothing."""
    doc = charges.get(order_id)
    if doc is None or doc.get("session_id") not in (None, session_id):
        return doc  # an unknown order, or a checkout that is not this order's
    state: ProviderState = provider.lookup(session_id)
    if state.state not in ("authorized", "captured"):
        return doc  # open, pending, failed (try another card) or expired (the order's reservation ends it)
    if state.amount != doc["amount"]:
        log.error("provider amount differs", extra={"order_id": order_id, "amount": state.amount})
        return doc
    fields = {"charge_id": state.intent_id, "session_id": session_id, "authorized_at": now()}
    if doc["status"] == states.AWAITING:
        entry = {"kind": "authorized", "amount": doc["amount"]}
        moved = _move(charges, doc, states.AUTHORIZED, fields, _authorized_event({**doc, **fields}), entry=entry)
        if moved is not None and metrics is not None:
            metrics.outcome("authorized")
        return moved or charges.get(order_id)
    if doc["status"] == states.CANCELLED and state.intent_id:  # paid as the order ended: release the hold now
        provider.void(state.intent_id)
        voided = _outcome(PaymentVoided, doc, charge_id=state.intent_id).event(SOURCE)
        return _move(charges, doc, states.VOIDED, fields, voided, entry={"kind": "voided", "amount": doc["amount"]})
    return doc


def attempt_failed(charges: Charges, order_id: str, intent_id: str | None, reason: str | None) -> dict | None:
    """One attempt failed at the provider (declined, 3-D Secure failed): said once per attempt, and the payment
    keeps awaiting another card. None when there was nothing to say (paid or closed meanwhile, or said before)."""
    doc = charges.get(order_id)
    if doc is None or doc["status"] != states.AWAITING or not isinstance(intent_id, str):
        return None
    if any(h.get("id") == intent_id for h in doc.get("history", [])):
        return None
    reason = reason if reason in FAILURES else "declined"
    event = _outcome(PaymentFailed, doc, reason=reason, attempts=1).event(SOURCE)
    return charges.move(
        order_id, states.AWAITING, {}, event, entry={"kind": "failed", "id": intent_id, "reason": reason}
    )


def capture(charges: Charges, provider: Processor, shipped: OrderShipped, metrics=None) -> dict | None:
    """order.shipped: take the authorized amount, once."""
    doc = charges.get(shipped.order_id)
    if doc is None or doc["status"] != states.AUTHORIZED:
        return doc  # captured already (a replay), or nothing to take
    provider.capture(doc["charge_id"], doc["amount"])  # keyed by the intent at the provider: a retry takes once
    event = _outcome(PaymentCaptured, doc, charge_id=doc["charge_id"]).event(SOURCE)
    moved = _move(charges, doc, states.CAPTURED, {}, event, entry={"kind": "captured", "amount": doc["amount"]})
    if moved is not None and metrics is not None:
        metrics.outcome("captured")
        metrics.captured_after((now() - doc["authorized_at"]).total_seconds() if doc.get("authorized_at") else None)
    return moved or charges.get(shipped.order_id)


def cancel(charges: Charges, provider: Processor | None, cancelled: OrderCancelled, metrics=None) -> dict | None:
    """order.cancelled before shipment: an unpaid checkout is closed, an authorization voided (never charged)."""
    order_id = cancelled.order_id
    # Cancelled before stock was reserved: the payment is born closed, so a late stock.reserved opens nothing.
    charges.create(
        {
            "_id": order_id,
            "user_id": cancelled.user_id,
            "email": cancelled.email,
            "name": cancelled.name,
            "amount": cancelled.total,
            "currency": cancelled.currency,
            "status": states.CANCELLED,
            "session_id": None,
        }
    )
    doc = charges.get(order_id)
    if doc is None:
        return None
    if doc["status"] == states.AWAITING:
        doc = _move(charges, doc, states.CANCELLED, {}) or charges.get(order_id)
        if doc and doc.get("session_id") and provider is not None:
            provider.cancel_checkout(doc["session_id"])
            return settle(charges, provider, order_id, doc["session_id"])  # paid in that very moment: voided
        return doc
    if doc["status"] == states.AUTHORIZED and provider is not None:
        provider.void(doc["charge_id"])
        event = _outcome(PaymentVoided, doc, charge_id=doc["charge_id"]).event(SOURCE)
        moved = _move(charges, doc, states.VOIDED, {}, event, entry={"kind": "voided", "amount": doc["amount"]})
        if moved is not None and metrics is not None:
            metrics.outcome("voided")
        return moved or charges.get(order_id)
    return doc


def refund(charges: Charges, provider: Processor | None, order_id: str, amount: int, key: str, metrics=None) -> dict:
    """Give back `amount` of a captured payment. One key refunds once (a form sent twice); all refunds together never
    exceed the captured total, whatever runs at the same time."""
    doc = charges.get(order_id)
    if doc is None:
        raise NotFound("No payment for that order")
    if key in doc.get("refunds", {}):
        return public_payment(doc)  # this refund was asked for before: the same answer, no second refund
    if doc["status"] != states.CAPTURED:
        raise Conflict("Only a shipped order's payment can be refunded.", code="NOT_CAPTURED")
    left = doc["amount"] - doc.get("refunded", 0)
    if amount > left:
        raise ValidationError(
            "The refund is larger than what is left to refund.",
            {"fields": {"amount": f"At most {money(left, doc['currency'])} can still be refunded."}},
            code="REFUND_TOO_LARGE",
        )
    claimed = charges.reserve_refund(order_id, key, amount)
    if claimed is None:  # another refund took the rest meanwhile: ask again, which says why
        return refund(charges, provider, order_id, amount, key, metrics)
    if provider is None:
        charges.undo_refund(order_id, key, amount)
        raise PaymentsUnavailable("No payment provider is configured.")
    try:
        refund_id = provider.refund(doc["charge_id"], amount, f"refund-{order_id}-{key}")
    except ProviderUnavailable:
        charges.undo_refund(order_id, key, amount)
        raise PaymentsUnavailable("The payment provider is unavailable. Please try again in a moment.") from None
    event = _outcome(
        PaymentRefunded, claimed, amount=amount, refund_id=refund_id, refunded_total=claimed["refunded"]
    ).event(SOURCE)
    done = charges.finish_refund(order_id, key, refund_id, amount, event)
    if metrics is not None:
        metrics.outcome("refunded")
    return public_payment(done or charges.get(order_id) or claimed)
