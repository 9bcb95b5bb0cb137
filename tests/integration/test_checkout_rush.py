"""No oversell: five units, twenty shoppers at the same moment, exactly five confirmed orders; for a variant too,
whose sibling variants' stock stays as it was."""

from __future__ import annotations

import threading
import uuid

import pytest

from tests.support.polling import wait_until

RUSHES = {
    "product": ("camping-lantern", None, "FM-OUT-019", None),
    # the linen shirt in M / Sand; L / Sand beside it must not move
    "variant": ("classic-linen-shirt", "FM-APP-001-M-SAND", "FM-APP-001-M-SAND", "FM-APP-001-L-SAND"),
}


@pytest.mark.parametrize("rush", RUSHES, ids=list(RUSHES))
def test_five_units_and_twenty_simultaneous_shoppers_make_exactly_five_confirmed_orders(system, rush):
    product, chosen, sku, sibling = RUSHES[rush]
    system.set_stock(sku, 5)
    sibling_before = system.stock(sibling) if sibling else None
    shoppers = [uuid.uuid4().hex for _ in range(20)]
    lowest, watching = {"available": 5, "reserved": 0}, threading.Event()

    def watch():  # sample the shelf throughout: it must never show a negative count
        while not watching.is_set():
            doc = system.stock(sku)
            lowest["available"] = min(lowest["available"], doc["available"])
            lowest["reserved"] = min(lowest["reserved"], doc["reserved"])

    start, order_ids, lock = threading.Barrier(20), [], threading.Lock()

    def shop(user_id):
        body = {
            "address": {
                "name": "Rush",
                "line1": "1 Main St",
                "city": "Springfield",
                "postal_code": "12345",
                "country": "US",
            },
            "lines": [{"product_id": product, "quantity": 1, **({"sku": chosen} if chosen else {})}],
        }
        headers = system.issuer.headers(user_id, **{"Idempotency-Key": uuid.uuid4().hex})
        start.wait()
        r = system.orders.test_client().post("/api/orders", json=body, headers=headers)
        assert r.status_code == 202
        with lock:
            order_ids.append(r.json["id"])
        system.pay(user_id, r.json["id"], timeout=60)  # on the provider's page, once the stock is held (if it is)

    sampler = threading.Thread(target=watch)
    sampler.start()
    threads = [threading.Thread(target=shop, args=(u,)) for u in shoppers]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert len(order_ids) == 20
        settled = [system.wait_settled(oid, timeout=60) for oid in order_ids]
        wait_until(lambda: system.stock(sku)["reserved"] == 0, 30, message="every reservation to be settled")
    finally:
        watching.set()
        sampler.join(5)
    statuses = sorted(o["status"] for o in settled)
    assert statuses.count("CONFIRMED") == 5 and statuses.count("REJECTED") == 15, statuses
    assert all(o["reason"] == "out_of_stock" for o in settled if o["status"] == "REJECTED")
    assert system.stock(sku)["available"] == 0 and system.stock(sku)["reserved"] == 0
    assert lowest == {"available": 0, "reserved": 0}
    if sibling:
        assert system.stock(sibling) == sibling_before
    charged = [system.charge(o["_id"]) for o in settled]
    assert sum(1 for c in charged if c and c["status"] == "authorized") == 5
