"""Charging and refunding an order through the processor adapter: once, with retries only for transient errors."""

from __future__ import annotations

import uuid

import pytest

from common.messages import OrderCancelled, StockReserved
from services.payments import service
from services.payments.processor import CardInput, ProcessorUnavailable, SimulatedProcessor
from services.payments.repository import ChargeRepository, MethodRepository
from tests.databases import database_client

APPROVE, DECLINE, NO_FUNDS, TRANSIENT = ("4242424242424242", "4000000000000002", "4000000000009995", "4000000000000119")


@pytest.fixture()
def db():
    return database_client()[f"payments_{uuid.uuid4().hex}"]


@pytest.fixture()
def parts(db):
    return ChargeRepository(db["charges"]), MethodRepository(db["methods"]), SimulatedProcessor(db["processor"])


class Card:
    def __init__(self, number):
        self.card_number, self.exp_month, self.exp_year, self.cvc = number, 12, 2099, "123"


def reserved(methods, processor, number, user="u1", amount=2500):
    token = service.tokenise(methods, processor, user, Card(number))["token"]
    return {
        "order_id": uuid.uuid4().hex,
        "user_id": user,
        "email": "s@example.test",
        "payment": {"token": token, "amount": amount, "currency": "USD"},
    }


def outbox(charges, order_id):
    return [e["type"] for e in charges.charges.find_one({"_id": order_id})["_outbox"]]


def no_sleep(_):
    pass


def test_an_approved_card_is_charged_once_however_often_the_event_comes(parts):
    charges, methods, processor = parts
    data = reserved(methods, processor, APPROVE)
    first = service.charge_order(charges, methods, processor, StockReserved.model_validate(data), sleep=no_sleep)
    for _ in range(3):
        service.charge_order(charges, methods, processor, StockReserved.model_validate(data), sleep=no_sleep)
    assert first["status"] == "succeeded" and first["brand"] == "visa" and first["last4"] == "4242"
    assert processor.calls == 1 and outbox(charges, data["order_id"]) == ["payment.succeeded"]


@pytest.mark.parametrize(("number", "reason"), [(DECLINE, "declined"), (NO_FUNDS, "insufficient_funds")])
def test_a_decline_is_final_and_not_retried(parts, number, reason):
    charges, methods, processor = parts
    data = reserved(methods, processor, number)
    charge = service.charge_order(charges, methods, processor, StockReserved.model_validate(data), sleep=no_sleep)
    assert charge["status"] == "failed" and charge["reason"] == reason and charge["attempts"] == 1
    assert processor.calls == 1 and outbox(charges, data["order_id"]) == ["payment.failed"]


def test_a_transient_error_is_retried_then_fails_as_a_processing_error(parts):
    charges, methods, processor = parts
    data, waits = reserved(methods, processor, TRANSIENT), []
    charge = service.charge_order(
        charges, methods, processor, StockReserved.model_validate(data), sleep=waits.append, backoff=0.1
    )
    assert charge["status"] == "failed" and charge["reason"] == "processing_error"
    assert processor.calls == service.CHARGE_ATTEMPTS == charge["attempts"] == 3
    assert waits == [0.1, 0.2]  # backing off between attempts, not after the last


def test_a_transient_error_that_clears_succeeds_on_retry(parts):
    charges, methods, processor = parts
    data = reserved(methods, processor, APPROVE)
    real, failures = processor.charge, iter([ProcessorUnavailable("blip")])

    def flaky(*args):
        for error in failures:
            raise error
        return real(*args)

    processor.charge = flaky
    charge = service.charge_order(charges, methods, processor, StockReserved.model_validate(data), sleep=no_sleep)
    assert charge["status"] == "succeeded" and charge["attempts"] == 2


def test_a_token_of_another_customer_is_refused(parts):
    charges, methods, processor = parts
    data = {**reserved(methods, processor, APPROVE, user="owner"), "user_id": "thief"}
    charge = service.charge_order(charges, methods, processor, StockReserved.model_validate(data), sleep=no_sleep)
    assert charge["status"] == "failed" and charge["reason"] == "invalid_payment_method" and processor.calls == 0


def test_a_cancelled_paid_order_is_refunded_once(parts):
    charges, methods, processor = parts
    data = reserved(methods, processor, APPROVE)
    service.charge_order(charges, methods, processor, StockReserved.model_validate(data), sleep=no_sleep)
    for _ in range(3):
        refunded = service.refund_order(
            charges, processor, OrderCancelled.model_validate({"order_id": data["order_id"], "user_id": "u1"})
        )
    assert refunded["status"] == "refunded" and refunded["refund"]["amount"] == 2500
    assert outbox(charges, data["order_id"]) == ["payment.succeeded", "payment.refunded"]


def test_a_cancel_before_the_charge_voids_it_so_it_never_happens(parts):
    charges, methods, processor = parts
    data = reserved(methods, processor, APPROVE)
    service.refund_order(
        charges,
        processor,
        OrderCancelled.model_validate({"order_id": data["order_id"], "user_id": "u1", "total": 2500}),
    )
    charge = service.charge_order(charges, methods, processor, StockReserved.model_validate(data), sleep=no_sleep)
    assert charge["status"] == "void" and processor.calls == 0
    assert "_outbox" not in charges.charges.find_one({"_id": data["order_id"]})


def test_a_cancel_that_lands_while_the_processor_answers_is_refunded(parts):
    charges, methods, processor = parts
    data = reserved(methods, processor, APPROVE)
    real = processor.charge

    def cancelled_meanwhile(*args):
        result = real(*args)
        service.refund_order(
            charges, processor, OrderCancelled.model_validate({"order_id": data["order_id"], "user_id": "u1"})
        )
        return result

    processor.charge = cancelled_meanwhile
    charge = service.charge_order(charges, methods, processor, StockReserved.model_validate(data), sleep=no_sleep)
    assert charge["status"] == "refunded" and outbox(charges, data["order_id"]) == ["payment.refunded"]


def test_a_failed_payment_is_not_refunded(parts):
    charges, methods, processor = parts
    data = reserved(methods, processor, DECLINE)
    service.charge_order(charges, methods, processor, StockReserved.model_validate(data), sleep=no_sleep)
    assert (
        service.refund_order(charges, processor, OrderCancelled.model_validate({"order_id": data["order_id"]}))[
            "status"
        ]
        == "failed"
    )


def test_the_processor_keeps_an_outcome_for_a_card_never_its_number(db, parts):
    _, _, processor = parts
    ref = processor.tokenise(CardInput(DECLINE, 12, 2099, "123"))
    assert db["processor"].find_one({"_id": ref}) == {"_id": ref, "kind": "card", "outcome": "declined"}
