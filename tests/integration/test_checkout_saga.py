"""The checkout saga through the real broker: orders, inventory and payments, each path to its end state."""

from __future__ import annotations

import uuid

import pytest

from common.events import Event
from common.kafka import Publisher
from services.payments.deps import deps as payments_deps
from tests.integration.broker import read_all
from tests.integration.checkout_system import SAGA_TOPICS
from tests.polling import wait_until

PEN, PEN_SKU = "fountain-pen", "FM-STA-022"
PLANNER, PLANNER_SKU = "weekly-planner", "FM-STA-024"


def units(system, sku):
    doc = system.stock(sku)
    return doc["available"], doc["reserved"]


def test_a_good_card_confirms_the_order_and_its_units_leave_the_shelf(system, user):
    system.set_stock(PEN_SKU, 10)
    order = system.wait_settled(system.place(user, [(PEN, 2)]))
    assert order["status"] == "CONFIRMED"
    assert [t["status"] for t in order["timeline"]] == ["PENDING", "AWAITING_PAYMENT", "CONFIRMED"]
    assert order["payment"]["brand"] == "visa" and order["payment"]["last4"] == "4242"
    charge = system.charge(order["_id"])
    assert charge["status"] == "succeeded" and charge["amount"] == order["total"] and charge["attempts"] == 1
    wait_until(lambda: units(system, PEN_SKU) == (8, 0), message="the units to leave the shelf")
    # The stock moves before the reservation records it ('committing' -> 'committed'), so wait for both.
    wait_until(
        lambda: system.reservation(order["_id"])["status"] == "committed", message="the reservation to be committed"
    )


@pytest.mark.parametrize(
    ("card", "reason", "attempts"),
    [("decline", "declined", 1), ("no_funds", "insufficient_funds", 1), ("transient", "processing_error", 3)],
)
def test_a_failed_payment_cancels_the_order_with_its_reason_and_releases_the_stock(
    system, user, card, reason, attempts
):
    system.set_stock(PLANNER_SKU, 10)
    order = system.wait_settled(system.place(user, [(PLANNER, 3)], card=card))
    assert order["status"] == "CANCELLED" and order["reason"] == reason
    assert [t["status"] for t in order["timeline"]] == ["PENDING", "AWAITING_PAYMENT", "CANCELLED"]
    charge = system.charge(order["_id"])
    assert charge["status"] == "failed" and charge["attempts"] == attempts  # only a transient error is retried
    wait_until(lambda: units(system, PLANNER_SKU) == (10, 0), message="the units to be released")
    assert system.reservation(order["_id"])["release_reason"] in ("payment_failed", "order_cancelled")


def test_an_order_for_more_than_the_shelf_holds_is_rejected_and_nothing_is_charged(system, user):
    system.set_stock(PEN_SKU, 1)
    order = system.wait_settled(system.place(user, [(PLANNER, 1), (PEN, 2)]))
    assert order["status"] == "REJECTED" and order["reason"] == "out_of_stock"
    assert order["unavailable"] == [PEN_SKU]
    assert system.charge(order["_id"]) is None
    assert units(system, PEN_SKU) == (1, 0)


def test_cancelling_a_confirmed_order_refunds_the_payment_and_returns_the_units(system, user):
    system.set_stock(PEN_SKU, 5)
    oid = system.place(user, [(PEN, 1)])
    assert system.wait_settled(oid)["status"] == "CONFIRMED"
    wait_until(lambda: units(system, PEN_SKU) == (4, 0), message="the commit")
    r = system.orders.test_client().post(f"/api/orders/{oid}/cancel", headers=system.issuer.headers(user))
    assert r.status_code == 202 and r.json["status"] == "CANCELLED"
    refunded = wait_until(lambda: (o := system.order(oid))["refund"] and o, message="the refund to be recorded")
    assert refunded["refund"]["amount"] == refunded["total"]
    assert system.charge(oid)["status"] == "refunded"
    wait_until(lambda: units(system, PEN_SKU) == (5, 0), message="the units to come back")


def test_replaying_every_saga_topic_changes_nothing(system, user):
    system.set_stock(PEN_SKU, 20)
    for card in ("approve", "decline", "transient"):
        system.wait_settled(system.place(user, [(PEN, 1)], card=card))
    cancelled = system.place(user, [(PEN, 1)])
    system.wait_settled(cancelled)
    system.orders.test_client().post(f"/api/orders/{cancelled}/cancel", headers=system.issuer.headers(user))
    wait_until(lambda: system.order(cancelled)["refund"], message="the refund")
    system.wait_outboxes_empty()
    system.wait_consumed()
    before, calls = system.snapshot(), payments_deps(system.payments).processor.calls

    records = read_all(system.bootstrap, SAGA_TOPICS)
    assert {topic for topic, _ in records} >= {
        "order.placed",
        "payment.succeeded",
        "payment.failed",
        "order.cancelled",
        "payment.refunded",
        "stock.released",
    }
    publisher = Publisher(system.bootstrap)
    try:
        for topic, raw in records:  # the same messages again: the inbox recognises every event_id
            publisher.producer().send(topic, raw)
        for topic, raw in records:  # fresh event_ids too: only the conditional writes stand in the way
            again = Event.from_json(raw)
            publisher.publish(topic, Event(**{**again.__dict__, "event_id": uuid.uuid4().hex}))
        publisher.producer().flush()
    finally:
        publisher.close()
    system.wait_consumed()
    system.wait_outboxes_empty()
    assert system.snapshot() == before
    assert payments_deps(system.payments).processor.calls == calls
