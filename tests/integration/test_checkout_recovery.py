"""Recovery: reservations that are never paid expire, and a consumer that dies mid-saga picks up where it was."""

from __future__ import annotations

import pytest
import requests

from common.messaging.kafka import ConsumerRunner
from common.service_app import running_workers
from tests.support.checkout_system import running_system
from tests.support.polling import wait_until

MUG, MUG_SKU = "ceramic-mug-set", "FM-KIT-009"
TTL = 2


def runner(system, app_name) -> ConsumerRunner:
    return next(w for w in running_workers(system.apps[app_name]) if isinstance(w, ConsumerRunner))


@pytest.mark.parametrize(
    ("app_name", "topic"),
    [
        ("payments", "stock.reserved"),
        ("orders", "payment.succeeded"),
        ("inventory", "order.placed"),
        ("inventory", "order.confirmed"),
    ],
)
def test_a_consumer_killed_after_its_effect_and_restarted_still_ends_the_order_once(system, user_id, app_name, topic):
    system.set_stock(MUG_SKU, 10)
    doomed, restarted, crashed = system.crash_and_restart(app_name, lambda t, e: t == topic)
    before_payment = topic in ("order.placed", "stock.reserved")  # else the shopper pays first, then it dies
    oid = system.place(user_id, [(MUG, 2)], card=None if before_payment else "approve")
    wait_until(lambda: crashed, message=f"the {app_name} consumer to die handling {topic}")
    doomed.join(10)
    assert not doomed.is_alive()
    restarted.start()
    assert restarted.ready.wait(60)
    if before_payment:
        system.pay(user_id, oid, timeout=60)
    order = system.wait_settled(oid, timeout=60)
    assert order["status"] == "CONFIRMED"
    assert [t["status"] for t in order["timeline"]] == ["PENDING", "AWAITING_PAYMENT", "CONFIRMED"]
    held = system.provider.objects("payment_intents", status="requires_capture")
    assert [i["metadata"]["order_id"] for i in held].count(oid) == 1  # authorized once, not twice
    wait_until(
        lambda: system.stock(MUG_SKU) == {"sku": MUG_SKU, "available": 8, "reserved": 0},
        message="the reservation to be committed once",
    )


@pytest.fixture(scope="module")
def quick_expiry(redis_url, tmp_path_factory):
    with running_system(redis_url, tmp_path_factory, ttl=TTL) as s:
        yield s


def test_a_reservation_not_paid_in_time_is_released_and_its_order_cancelled(quick_expiry, user_id):
    system = quick_expiry
    system.set_stock(MUG_SKU, 3)
    payments = runner(system, "payments")
    payments.stop()  # the payments service is down: nobody takes the money
    payments.join(15)
    oid = system.place(user_id, [(MUG, 2)])
    order = system.wait_settled(oid, timeout=TTL + 30)
    assert order["status"] == "CANCELLED" and order["reason"] == "reservation_expired"
    assert [t["status"] for t in order["timeline"]] == ["PENDING", "AWAITING_PAYMENT", "CANCELLED"]  # held, then not
    assert system.reservation(oid)["release_reason"] == "reservation_expired"
    assert system.stock(MUG_SKU) == {"sku": MUG_SKU, "available": 3, "reserved": 0}

    back = ConsumerRunner(payments.bootstrap, payments.group, payments.handlers, payments.inbox, payments.publisher)
    running_workers(system.payments).append(back)
    back.start()  # payments comes back to a backlog: the order it hears of first is over by the time it reads on
    wait_until(lambda: (c := system.charge(oid)) and c["status"] == "cancelled", 60, message="the payment to be closed")
    assert system.payment_page(user_id, oid) is None  # nothing to pay for an order that ended
    assert system.order(oid)["status"] == "CANCELLED"


def test_a_shopper_who_leaves_the_providers_page_gets_the_order_cancelled_and_the_page_closed(quick_expiry, user_id):
    system = quick_expiry
    system.set_stock(MUG_SKU, 3)
    oid = system.place(user_id, [(MUG, 1)], card=None)
    page = system.payment_page(user_id, oid)
    assert page and requests.get(page, timeout=5).status_code == 200  # the shopper looks, and closes the tab
    order = system.wait_settled(oid, timeout=TTL + 30)
    assert order["status"] == "CANCELLED" and order["reason"] == "reservation_expired"
    wait_until(lambda: system.charge(oid)["status"] == "cancelled", message="the payment to be closed")
    wait_until(lambda: requests.get(page, timeout=5).status_code == 410, message="the provider's page to be closed")
    assert system.stock(MUG_SKU) == {"sku": MUG_SKU, "available": 3, "reserved": 0}
