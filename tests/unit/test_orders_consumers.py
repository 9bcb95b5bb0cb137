"""The orders consumers: each saga event moves an order once, in any order of arrival, and replays change nothing."""

from __future__ import annotations

import uuid

import pytest

from common.messaging.events import make_event
from common.mongo.indexes import create_indexes
from services.orders import service
from services.orders.consumers import handlers
from services.orders.indexes import INDEXES
from services.orders.repository import OrderRepository
from services.orders.schemas import PlaceOrder
from tests.support.databases import fresh_database
from tests.support.orders_fakes import FixedCatalog, NoCart, shopper


@pytest.fixture()
def repo():
    db = fresh_database("orders")
    create_indexes(db, INDEXES)
    r = OrderRepository(db["orders"])
    return r


@pytest.fixture()
def on(repo):
    return handlers(repo)


@pytest.fixture()
def order_id(repo):
    body = PlaceOrder.model_validate(
        {
            "address": {"name": "N", "line1": "L", "city": "C", "postal_code": "P1", "country": "US"},
            "lines": [{"product_id": "lamp", "quantity": 2}],
        }
    )
    placed, _ = service.place_order(
        repo, FixedCatalog(), NoCart(), service.Buyer.signed_in(shopper()), uuid.uuid4().hex, body
    )
    return placed["_id"]


def ev(type_, **data):
    return make_event(type_, data, "test")


def statuses(repo, oid):
    return [t["status"] for t in repo.get(oid)["timeline"]]


def events(repo, oid, type_=None):
    outbox = repo.orders.find_one({"_id": oid})["_outbox"]
    return [e for e in outbox if type_ is None or e["type"] == type_]


def test_the_happy_path_reserved_then_paid_confirms_with_an_order_confirmed_event(repo, on, order_id):
    on["stock.reserved"](ev("stock.reserved", order_id=order_id, expires_at="2030-01-01T00:00:00+00:00"))
    assert repo.get(order_id)["status"] == "AWAITING_PAYMENT"
    on["payment.succeeded"](ev("payment.succeeded", order_id=order_id, charge_id="ch_1", brand="visa", last4="4242"))
    doc = repo.get(order_id)
    assert doc["status"] == "CONFIRMED" and doc["payment"]["last4"] == "4242"
    assert statuses(repo, order_id) == ["PENDING", "AWAITING_PAYMENT", "CONFIRMED"]
    (confirmed,) = events(repo, order_id, "order.confirmed")
    assert confirmed["data"]["order_id"] == order_id and confirmed["data"]["payment"]["brand"] == "visa"
    assert confirmed["data"]["total"] == 2500 and confirmed["data"]["email"] == "shopper@example.test"


def test_replaying_every_event_changes_nothing(repo, on, order_id):
    saga = [
        ev("stock.reserved", order_id=order_id),
        ev("payment.succeeded", order_id=order_id, charge_id="ch_1", brand="visa", last4="4242"),
    ]
    for e in saga:
        on[e.type](e)
    before = repo.orders.find_one({"_id": order_id})
    for e in saga * 3:
        on[e.type](e)
    assert repo.orders.find_one({"_id": order_id}) == before


def test_payment_news_before_stock_news_still_confirms_through_every_state(repo, on, order_id):
    on["payment.succeeded"](ev("payment.succeeded", order_id=order_id, charge_id="ch_1", brand="visa", last4="4242"))
    on["stock.reserved"](ev("stock.reserved", order_id=order_id))
    assert statuses(repo, order_id) == ["PENDING", "AWAITING_PAYMENT", "CONFIRMED"]
    assert len(events(repo, order_id, "order.confirmed")) == 1


def test_out_of_stock_rejects_a_pending_order(repo, on, order_id):
    on["stock.rejected"](ev("stock.rejected", order_id=order_id, skus=["SKU-lamp"]))
    doc = repo.get(order_id)
    assert doc["status"] == "REJECTED" and doc["reason"] == "out_of_stock" and doc["unavailable"] == ["SKU-lamp"]
    assert events(repo, order_id, "order.cancelled") == []


@pytest.mark.parametrize("reason", ["declined", "insufficient_funds", "payment_intent_authentication_failure"])
def test_a_failed_attempt_keeps_the_order_awaiting_payment_and_says_why(repo, on, order_id, reason):
    on["stock.reserved"](ev("stock.reserved", order_id=order_id))
    on["payment.failed"](ev("payment.failed", order_id=order_id, reason=reason))
    doc = repo.get(order_id)
    assert doc["status"] == "AWAITING_PAYMENT" and doc["payment"] == {
        **doc["payment"],
        "status": "failed",
        "reason": reason,
    }
    assert events(repo, order_id, "order.cancelled") == []  # another card may still pay until the reservation ends
    on["payment.succeeded"](ev("payment.succeeded", order_id=order_id, charge_id="pi_1"))
    assert repo.get(order_id)["status"] == "CONFIRMED" and repo.get(order_id)["payment"]["status"] == "succeeded"


def test_a_late_failure_cannot_cancel_a_confirmed_order(repo, on, order_id):
    on["payment.succeeded"](ev("payment.succeeded", order_id=order_id, charge_id="ch_1"))
    on["payment.failed"](ev("payment.failed", order_id=order_id, reason="declined"))
    on["stock.rejected"](ev("stock.rejected", order_id=order_id))
    assert repo.get(order_id)["status"] == "CONFIRMED"


def test_an_expired_reservation_cancels_an_unpaid_order(repo, on, order_id):
    on["stock.reserved"](ev("stock.reserved", order_id=order_id))
    on["stock.released"](ev("stock.released", order_id=order_id, reason="payment_failed"))
    assert repo.get(order_id)["status"] == "AWAITING_PAYMENT"  # only an expiry is news to orders
    on["stock.released"](ev("stock.released", order_id=order_id, reason="reservation_expired"))
    doc = repo.get(order_id)
    assert doc["status"] == "CANCELLED" and doc["reason"] == "reservation_expired"


def test_an_expiry_that_raced_a_payment_cancels_and_asks_for_a_refund(repo, on, order_id):
    on["payment.succeeded"](ev("payment.succeeded", order_id=order_id, charge_id="ch_1"))
    on["stock.released"](ev("stock.released", order_id=order_id, reason="reservation_expired"))
    (cancelled,) = events(repo, order_id, "order.cancelled")
    assert cancelled["data"]["paid"] is True and repo.get(order_id)["status"] == "CANCELLED"


def test_a_payment_after_cancellation_is_recorded_without_reviving_the_order(repo, on, order_id):
    on["stock.released"](ev("stock.released", order_id=order_id, reason="reservation_expired"))
    on["payment.succeeded"](ev("payment.succeeded", order_id=order_id, charge_id="ch_9", brand="visa", last4="4242"))
    doc = repo.get(order_id)
    assert doc["status"] == "CANCELLED" and doc["payment"]["charge_id"] == "ch_9"
    assert events(repo, order_id, "order.confirmed") == []


def test_refunds_add_up_on_the_order_and_a_late_or_replayed_one_takes_nothing_back(repo, on, order_id):
    first = ev("payment.refunded", order_id=order_id, refund_id="re_1", amount=500, refunded_total=500, currency="USD")
    second = ev(
        "payment.refunded", order_id=order_id, refund_id="re_2", amount=700, refunded_total=1200, currency="USD"
    )
    on["payment.refunded"](first)
    on["payment.refunded"](second)
    on["payment.refunded"](first)  # late, or replayed
    assert repo.get(order_id)["refund"]["amount"] == 1200 and repo.get(order_id)["refund"]["refund_id"] == "re_2"


def test_an_event_for_an_unknown_order_changes_nothing(repo, on):
    for topic in ("stock.reserved", "stock.rejected", "payment.succeeded", "payment.failed", "stock.released"):
        on[topic](ev(topic, order_id=uuid.uuid4().hex, reason="reservation_expired"))
    assert repo.orders.count_documents({}) == 0
