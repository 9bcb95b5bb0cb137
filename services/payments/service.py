"""Payment use cases: tokenise a card, charge an order once, refund it once."""

from __future__ import annotations

import logging
import secrets
import time

from common.auth import Identity
from common.errors import NotFound, ValidationError
from common.messages import (
    OrderCancelled,
    PaymentFailed,
    PaymentOutcome,
    PaymentRefunded,
    PaymentSucceeded,
    StockReserved,
)
from common.mongo import written

from . import cards, states
from .ports import Charges, Methods
from .processor import CardDeclined, CardInput, Processor, ProcessorUnavailable

log = logging.getLogger(__name__)
SOURCE = "payments"
CHARGE_ATTEMPTS = 3
PUBLIC_CHARGE = ("status", "reason", "amount", "currency", "brand", "last4", "attempts", "charge_id", "refund")


def tokenise(methods: Methods, processor: Processor, user_id: str, body) -> dict:
    """Turn a card into a token. The number stays in this call's locals; only brand, last4 and expiry remain."""
    number = cards.digits(body.card_number)
    errors = cards.check(number, body.exp_month, body.exp_year, body.cvc)
    if errors:
        raise ValidationError("The card was not accepted", {"fields": errors}, code="CARD_INVALID")
    card_ref = processor.tokenise(CardInput(number, body.exp_month, body.exp_year, body.cvc))
    method = {
        "_id": f"pm_{secrets.token_hex(16)}",
        "user_id": user_id,
        "brand": cards.brand_of(number),
        "last4": number[-4:],
        "exp_month": body.exp_month,
        "exp_year": body.exp_year,
        "processor": processor.name,
        "card_ref": card_ref,
    }
    methods.insert(method)
    return public_method(method)


def public_method(method: dict) -> dict:
    return {
        "token": method["_id"],
        "brand": method["brand"],
        "last4": method["last4"],
        "exp_month": method["exp_month"],
        "exp_year": method["exp_year"],
    }


def public_charge(doc: dict) -> dict:
    return {
        "order_id": doc["_id"],
        **{k: doc.get(k) for k in PUBLIC_CHARGE},
        "created_at": doc["created_at"].isoformat() if doc.get("created_at") else None,
    }


def list_payments(charges: Charges, identity: Identity, order_id: str | None) -> list[dict]:
    docs = charges.for_user(None if identity.is_admin else identity.user_id, order_id)
    if order_id and not docs and not identity.is_admin:
        raise NotFound("No payment for that order")  # someone else's order looks the same as none
    return [public_charge(d) for d in docs]


def _outcome(message: type[PaymentOutcome], charge: dict, **extra) -> PaymentOutcome:
    """The charge's outcome as an event payload; `extra` wins over the charge's own fields (the refund's contact)."""
    facts = {
        "order_id": charge["_id"],
        "user_id": charge["user_id"],
        "email": charge.get("email"),
        "name": charge.get("name"),
        "amount": charge["amount"],
        "currency": charge["currency"],
        "brand": charge.get("brand"),
        "last4": charge.get("last4"),
    }
    return message(**{**facts, **extra})


def _attempt(
    processor: Processor, method: dict, charge: dict, sleep, backoff: float
) -> tuple[str | None, str | None, int]:
    """(charge id, failure reason, attempts): transient errors are retried, declines are final."""
    for attempt in range(1, CHARGE_ATTEMPTS + 1):
        try:
            charge_id = processor.charge(method["card_ref"], charge["amount"], charge["currency"], charge["_id"])
            return charge_id, None, attempt
        except CardDeclined as e:
            return None, e.reason, attempt
        except ProcessorUnavailable:
            log.warning("transient processor error", extra={"order_id": charge["_id"], "attempt": attempt})
            if attempt < CHARGE_ATTEMPTS:
                sleep(backoff * attempt)
    return None, "processing_error", CHARGE_ATTEMPTS


def _move(
    charges: Charges,
    order_id: str,
    src: str | tuple[str, ...],
    dst: str,
    fields: dict | None = None,
    *events,
    inc: dict | None = None,
) -> dict | None:
    """A legal move of the charge from `src` to `dst`, with its events; None if the charge had moved meanwhile."""
    states.check_transition(src, dst)
    return charges.move(order_id, src, {**(fields or {}), "status": dst}, *events, inc=inc)


def charge_order(
    charges: Charges,
    methods: Methods,
    processor: Processor,
    reserved: StockReserved,
    sleep=time.sleep,
    backoff: float = 0.2,
) -> dict | None:
    """Charge the order's card once: a replay, a crash mid-way or a concurrent cancel never charge twice."""
    payment, order_id = reserved.payment, reserved.order_id
    if payment is None:
        raise ValueError(f"stock.reserved for {order_id} carries no payment to take")
    method = methods.get(payment.token)
    charges.create(
        {
            "_id": order_id,
            "user_id": reserved.user_id,
            "email": reserved.email,
            "name": reserved.name,
            "amount": payment.amount,
            "currency": payment.currency,
            "status": states.PROCESSING,
            "method": payment.token,
            "brand": method and method["brand"],
            "last4": method and method["last4"],
            "attempts": 0,
            "reason": None,
            "refund": None,
        }
    )
    charge = written(charges.get(order_id))  # created now, or by an earlier delivery
    if charge["status"] != states.PROCESSING:
        # Decided before (its events already left) or voided by a cancel; a re-drive asks for the answer again.
        return announce_again(charges, charge) if reserved.redrive else charge
    if method is None or method["user_id"] != charge["user_id"] or charge["amount"] <= 0:
        failed = _outcome(PaymentFailed, charge, reason="invalid_payment_method", attempts=0).event(SOURCE)
        return _move(
            charges, order_id, states.PROCESSING, states.FAILED, {"reason": "invalid_payment_method"}, failed
        ) or charges.get(order_id)
    charge_id, reason, attempts = _attempt(processor, method, charge, sleep, backoff)
    if charge_id is None:
        return _move(
            charges,
            order_id,
            states.PROCESSING,
            states.FAILED,
            {"reason": reason},
            _outcome(PaymentFailed, charge, reason=reason, attempts=attempts).event(SOURCE),
            inc={"attempts": attempts},
        ) or charges.get(order_id)
    done = _move(
        charges,
        order_id,
        states.PROCESSING,
        states.SUCCEEDED,
        {"charge_id": charge_id},
        _outcome(PaymentSucceeded, charge, charge_id=charge_id).event(SOURCE),
        inc={"attempts": attempts},
    )
    if done is None:  # the order was cancelled while the processor answered: the money goes back
        _move(charges, order_id, states.VOID, states.SUCCEEDED, {"charge_id": charge_id}, inc={"attempts": attempts})
        return refund_order(charges, processor, OrderCancelled(order_id=order_id))
    return done


def announce_again(charges: Charges, charge: dict) -> dict:
    """Publish a decided charge's outcome again, with no new charge: the orders watchdog re-drove its order."""
    if charge["status"] == states.SUCCEEDED:
        again = _outcome(PaymentSucceeded, charge, charge_id=charge["charge_id"]).event(SOURCE)
    elif charge["status"] == states.FAILED:
        again = _outcome(PaymentFailed, charge, reason=charge["reason"], attempts=charge["attempts"]).event(SOURCE)
    else:
        return charge  # void, refunding, refunded: the order was cancelled, which orders already knows
    log.info("charge outcome re-announced", extra={"order_id": charge["_id"], "status": charge["status"]})
    # Not a move: the charge stays where it is, and only its events are queued again.
    return charges.move(charge["_id"], charge["status"], {}, again) or charge


def refund_order(charges: Charges, processor: Processor, cancelled: OrderCancelled) -> dict | None:
    """order.cancelled: refund a taken payment once; a charge not yet made is voided so it never happens."""
    order_id = cancelled.order_id
    charges.create(
        {
            "_id": order_id,
            "user_id": cancelled.user_id,
            "status": states.VOID,
            "reason": "cancelled",
            "amount": cancelled.total,
            "currency": cancelled.currency,
            "attempts": 0,
            "refund": None,
        }
    )
    _move(charges, order_id, states.PROCESSING, states.VOID, {"reason": "cancelled"})
    charge = _move(charges, order_id, (states.SUCCEEDED, states.REFUNDING), states.REFUNDING)
    if charge is None:
        return charges.get(order_id)
    refund_id = processor.refund(charge["charge_id"], charge["amount"], order_id)
    refund = {"refund_id": refund_id, "amount": charge["amount"], "currency": charge["currency"]}
    # The order's contact, for the notice; the charge's own stands where the order had none.
    contact = {k: v for k, v in cancelled.model_dump(include={"email", "name", "phone"}).items() if v}
    return _move(
        charges,
        order_id,
        states.REFUNDING,
        states.REFUNDED,
        {"refund": refund},
        _outcome(PaymentRefunded, charge, refund_id=refund_id, **contact).event(SOURCE),
    ) or charges.get(order_id)
