"""stock.changed: written with the count whenever a SKU's `available` crosses zero, either way, and only then: admin
counts and deltas, reservations, releases, restocks; exactly once per crossing however calls interleave."""

from __future__ import annotations

import threading
import uuid
from functools import partial

import pytest

from services.inventory import service
from services.inventory.repository import StockRepository
from tests.support.databases import database_client


@pytest.fixture()
def stock():
    db = database_client()[f"inventory_{uuid.uuid4().hex}"]
    return StockRepository(db["stock"], 5, partial(service.low_stock_event, level=5), service.stock_changed_event)


def changes(stock, sku) -> list[tuple[int, bool]]:
    outbox = stock.stock.find_one({"_id": sku}).get("_outbox", [])
    return [(e["data"]["available"], e["data"]["in_stock"]) for e in outbox if e["type"] == "stock.changed"]


def sku_of(stock, units: int) -> str:
    sku = f"S-{uuid.uuid4().hex[:8]}"
    stock.ensure(sku, "p1", units)
    return sku


def test_an_admin_count_to_zero_and_back_says_so_each_way_and_a_count_that_stays_says_nothing(stock):
    sku = sku_of(stock, 4)
    stock.set_available(sku, 2)
    stock.set_available(sku, 0)
    stock.set_available(sku, 0)
    stock.set_available(sku, 7)
    stock.adjust_available(sku, -7)
    stock.adjust_available(sku, 1)
    assert changes(stock, sku) == [(0, False), (7, True), (0, False), (1, True)]
    event = stock.stock.find_one({"_id": sku})["_outbox"][-1]
    assert event["data"] == {"sku": sku, "product_id": "p1", "available": 1, "in_stock": True}


def test_reserving_the_last_unit_and_releasing_it_cross_zero_each_way_while_commits_never_do(stock):
    sku = sku_of(stock, 2)
    stock.reserve(sku, 1, hold="o1")
    assert changes(stock, sku) == []
    stock.reserve(sku, 1, hold="o2")
    assert changes(stock, sku) == [(0, False)]
    stock.commit(sku, 1, hold="o1")
    stock.release(sku, 1, hold="o2")
    stock.release(sku, 1, hold="o2")  # redelivered: the hold is gone, nothing happens
    assert changes(stock, sku) == [(0, False), (1, True)]
    assert stock.get(sku) == {"sku": sku, "available": 1, "reserved": 0}


def test_a_restock_from_zero_says_in_stock_once_even_when_redelivered(stock):
    sku = sku_of(stock, 1)
    stock.reserve(sku, 1, hold="o1")
    stock.commit(sku, 1, hold="o1")
    assert stock.restock(sku, 1, hold="o1")["available"] == 1
    assert stock.restock(sku, 1, hold="o1") is None
    assert changes(stock, sku) == [(0, False), (1, True)]


def test_racing_shoppers_and_releases_cross_zero_exactly_once_each_way(stock):
    sku = sku_of(stock, 10)
    barrier = threading.Barrier(20)

    def shop(i):
        barrier.wait()
        stock.reserve(sku, 1, hold=f"o{i}")

    threads = [threading.Thread(target=shop, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert stock.get(sku)["available"] == 0 and changes(stock, sku) == [(0, False)]
    held = [h["id"] for h in stock.stock.find_one({"_id": sku})["holds"]]
    barrier = threading.Barrier(len(held))

    def give_back(hold):
        barrier.wait()
        stock.release(sku, 1, hold=hold)

    threads = [threading.Thread(target=give_back, args=(h,)) for h in held]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert stock.get(sku)["available"] == 10
    assert [in_stock for _, in_stock in changes(stock, sku)] == [False, True]
