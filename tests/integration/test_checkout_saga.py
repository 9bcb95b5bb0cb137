"""The checkout saga through the real broker and the provider stand-in: orders, inventory and payments, each path
to its end state. The shopper pays on the provider's page; only the provider's signed word authorizes."""

from __future__ import annotations

import uuid

import pytest

from common.messaging.events import Event
from common.messaging.kafka import Publisher
from tests.support.broker import read_all
from tests.support.checkout_system import SAGA_TOPICS
from tests.support.polling import wait_until

PEN, PEN_SKU = "fountain-pen", "FM-STA-022"
PLANNER, PLANNER_SKU = "weekly-planner", "FM-STA-024"
PARCEL = {"carrier": "ups", "tracking_number": "1Z999AA10123456784"}


def units(system, sku):
    doc = system.stock(sku)
    return doc["available"], doc["reserved"]


def ship(system, order_id):
    r = system.orders.test_client().post(
        f"/api/orders/{order_id}/ship", json=PARCEL, headers=system.issuer.headers("admin-1", role="admin")
    )
    assert r.status_code == 200, r.json


def refund(system, order_id, amount, key=None):
    headers = system.issuer.headers("admin-1", role="admin", **{"Idempotency-Key": key or uuid.uuid4().hex})
    return system.payments.test_client().post(
        f"/api/payments/{order_id}/refunds", json={"amount": amount}, headers=headers
    )


def test_a_good_card_on_the_providers_page_confirms_the_order_and_its_units_leave_the_shelf(system, user_id):
    system.set_stock(PEN_SKU, 10)
    order = system.wait_settled(system.place(user_id, [(PEN, 2)]))
    assert order["status"] == "CONFIRMED"
    assert [t["status"] for t in order["timeline"]] == ["PENDING", "AWAITING_PAYMENT", "CONFIRMED"]
    payment = system.charge(order["_id"])
    assert payment["status"] == "authorized" and payment["amount"] == order["total"]
    assert [h["kind"] for h in payment["history"]] == ["authorized"]
    intent = system.provider.objects("payment_intents")
    assert any(i["id"] == payment["charge_id"] and i["status"] == "requires_capture" for i in intent)
    wait_until(lambda: units(system, PEN_SKU) == (8, 0), message="the units to leave the shelf")
    # The stock moves before the reservation records it ('committing' -> 'committed'), so wait for both.
    wait_until(
        lambda: system.reservation(order["_id"])["status"] == "committed", message="the reservation to be committed"
    )


@pytest.mark.parametrize("card", ["decline", "no_funds", "transient"])
def test_a_refused_card_leaves_the_order_awaiting_payment_and_another_card_confirms_it(system, user_id, card):
    system.set_stock(PLANNER_SKU, 10)
    oid = system.place(user_id, [(PLANNER, 3)], card=None)
    refused = system.pay(user_id, oid, card)
    assert refused.status_code == 402 and "Card number" in refused.text  # the provider's page says why, again
    # The provider's page opens once payments hears stock.reserved; orders hears the same event on its own clock.
    wait_until(lambda: system.order(oid)["status"] == "AWAITING_PAYMENT", message="the order to await payment")
    assert system.charge(oid)["status"] == "awaiting"
    assert units(system, PLANNER_SKU) == (7, 3)  # still held for the shopper
    paid = system.pay(user_id, oid, "approve")
    assert paid.status_code == 303 and paid.headers["Location"].endswith(f"/checkout/return?order={oid}")
    assert system.wait_settled(oid)["status"] == "CONFIRMED"


def test_an_order_for_more_than_the_shelf_holds_is_rejected_and_there_is_nothing_to_pay(system, user_id):
    system.set_stock(PEN_SKU, 1)
    oid = system.place(user_id, [(PLANNER, 1), (PEN, 2)], card=None)
    order = system.wait_settled(oid)
    assert order["status"] == "REJECTED" and order["reason"] == "out_of_stock"
    assert order["unavailable"] == [PEN_SKU]
    assert system.payment_page(user_id, oid) is None and system.charge(oid) is None
    assert units(system, PEN_SKU) == (1, 0)


def test_cancelling_a_confirmed_order_voids_the_authorization_and_returns_the_units(system, user_id):
    system.set_stock(PEN_SKU, 5)
    oid = system.place(user_id, [(PEN, 1)])
    assert system.wait_settled(oid)["status"] == "CONFIRMED"
    wait_until(lambda: units(system, PEN_SKU) == (4, 0), message="the commit")
    r = system.orders.test_client().post(f"/api/orders/{oid}/cancel", headers=system.issuer.headers(user_id))
    assert r.status_code == 202 and r.json["status"] == "CANCELLED"
    voided = wait_until(lambda: (c := system.charge(oid))["status"] == "voided" and c, message="the void")
    assert [h["kind"] for h in voided["history"]] == ["authorized", "voided"]
    intents = {i["id"]: i["status"] for i in system.provider.objects("payment_intents")}
    assert intents[voided["charge_id"]] == "canceled"  # never charged
    assert system.order(oid)["refund"] is None
    wait_until(lambda: units(system, PEN_SKU) == (5, 0), message="the units to come back")


def test_shipping_captures_and_refunds_add_up_to_at_most_the_captured_total(system, user_id):
    system.set_stock(PEN_SKU, 5)
    oid = system.place(user_id, [(PEN, 1)])
    total = system.wait_settled(oid)["total"]
    ship(system, oid)
    captured = wait_until(lambda: (c := system.charge(oid))["status"] == "captured" and c, message="the capture")
    intents = {i["id"]: i for i in system.provider.objects("payment_intents")}
    assert intents[captured["charge_id"]]["status"] == "succeeded"
    assert refund(system, oid, 500, key="refund-key-1").status_code == 201
    again = refund(system, oid, 500, key="refund-key-1")  # the same form twice: one refund
    assert again.status_code == 201 and again.json["refunded"] == 500
    too_much = refund(system, oid, total)
    assert too_much.status_code == 422 and too_much.json["error"] == "REFUND_TOO_LARGE"
    assert "can still be refunded" in too_much.json["details"]["fields"]["amount"]
    assert refund(system, oid, total - 500).json["refunded"] == total
    assert len(system.provider.objects("refunds", payment_intent=captured["charge_id"])) == 2
    order = wait_until(lambda: (o := system.order(oid))["refund"] and o["refund"]["amount"] == total and o)
    assert order["status"] == "SHIPPED"  # refunds leave the state as it is
    kinds = [h["kind"] for h in system.charge(oid)["history"]]
    assert kinds == ["authorized", "captured", "refunded", "refunded"]


def test_replaying_every_saga_topic_changes_nothing(system, user_id):
    system.set_stock(PEN_SKU, 20)
    paid = system.place(user_id, [(PEN, 1)])
    retried = system.place(user_id, [(PEN, 1)], card=None)
    system.pay(user_id, retried, "decline")
    system.pay(user_id, retried, "approve")  # every order ends: a waiting one is the watchdog's to re-drive meanwhile
    cancelled = system.place(user_id, [(PEN, 1)])
    shipped = system.place(user_id, [(PEN, 1)])
    for oid in (paid, retried, cancelled, shipped):
        system.wait_settled(oid)
    system.orders.test_client().post(f"/api/orders/{cancelled}/cancel", headers=system.issuer.headers(user_id))
    ship(system, shipped)
    wait_until(lambda: system.charge(shipped)["status"] == "captured", message="the capture")
    assert refund(system, shipped, 300).status_code == 201
    wait_until(lambda: system.order(shipped)["refund"], message="the refund on the order")
    wait_until(lambda: system.charge(cancelled)["status"] == "voided", message="the void")
    system.wait_outboxes_empty()
    system.wait_consumed()
    before = system.snapshot()
    at_provider = {kind: len(system.provider.objects(kind)) for kind in ("payment_intents", "refunds")}

    records = read_all(system.bootstrap, SAGA_TOPICS)
    assert {topic for topic, _ in records} >= {
        "order.placed",
        "stock.reserved",
        "payment.succeeded",
        "payment.captured",
        "payment.voided",
        "payment.refunded",
        "order.cancelled",
        "order.shipped",
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
    assert not (changed := system.changed(before, system.snapshot())), changed
    assert {kind: len(system.provider.objects(kind)) for kind in ("payment_intents", "refunds")} == at_provider
