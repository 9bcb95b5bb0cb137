"""Recovery: reservations that are never paid expire, and a consumer that dies mid-saga picks up where it was."""

from __future__ import annotations

import pytest

from common.kafka import ConsumerRunner
from common.service_app import running_workers
from services.payments.deps import deps as payments_deps
from tests.integration.checkout_system import running_system
from tests.polling import wait_until

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
def test_a_consumer_killed_after_its_effect_and_restarted_still_ends_the_order_once(system, user, app_name, topic):
    system.set_stock(MUG_SKU, 10)
    calls = payments_deps(system.payments).processor.calls
    doomed, restarted, crashed = system.crash_and_restart(app_name, lambda t, e: t == topic)
    oid = system.place(user, [(MUG, 2)])
    wait_until(lambda: crashed, message=f"the {app_name} consumer to die handling {topic}")
    doomed.join(10)
    assert not doomed.is_alive()
    restarted.start()
    assert restarted.ready.wait(60)
    order = system.wait_settled(oid, timeout=60)
    assert order["status"] == "CONFIRMED"
    assert [t["status"] for t in order["timeline"]] == ["PENDING", "AWAITING_PAYMENT", "CONFIRMED"]
    assert payments_deps(system.payments).processor.calls == calls + 1  # charged once, not twice
    wait_until(
        lambda: system.stock(MUG_SKU) == {"sku": MUG_SKU, "available": 8, "reserved": 0},
        message="the reservation to be committed once",
    )


@pytest.fixture(scope="module")
def quick_expiry(redis_url, tmp_path_factory):
    with running_system(redis_url, tmp_path_factory, ttl=TTL) as s:
        yield s


def test_a_reservation_not_paid_in_time_is_released_and_its_order_cancelled(quick_expiry, user):
    system = quick_expiry
    system.set_stock(MUG_SKU, 3)
    payments = runner(system, "payments")
    payments.stop()  # the payments service is down: nobody takes the money
    payments.join(15)
    oid = system.place(user, [(MUG, 2)])
    wait_until(lambda: system.order(oid)["status"] == "AWAITING_PAYMENT", message="the reservation")
    assert system.stock(MUG_SKU)["available"] == 1
    order = system.wait_settled(oid, timeout=TTL + 30)
    assert order["status"] == "CANCELLED" and order["reason"] == "reservation_expired"
    assert system.reservation(oid)["release_reason"] == "reservation_expired"
    assert system.stock(MUG_SKU) == {"sku": MUG_SKU, "available": 3, "reserved": 0}

    back = ConsumerRunner(payments.bootstrap, payments.group, payments.handlers, payments.inbox, payments.publisher)
    running_workers(system.payments).append(back)
    back.start()  # payments comes back to a backlog: the charge it finds must not stand
    charge = wait_until(
        lambda: (c := system.charge(oid)) and c["status"] in ("void", "refunded") and c,
        60,
        message="the late payment to be voided or refunded",
    )
    if charge["status"] == "refunded":
        wait_until(lambda: system.order(oid)["refund"], message="the refund to reach the order")
    assert system.order(oid)["status"] == "CANCELLED"
