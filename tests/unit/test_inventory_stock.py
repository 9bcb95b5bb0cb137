"""Stock counts under interleaving: atomic conditional updates never take stock below zero."""

from __future__ import annotations

import threading
import uuid
from functools import partial

import pytest

from services.inventory import service
from services.inventory.repository import StockRepository
from tests.support.databases import database_client

LEVEL = 5


@pytest.fixture()
def stock():
    db = database_client()[f"inventory_{uuid.uuid4().hex}"]
    return StockRepository(db["stock"], LEVEL, partial(service.low_stock_event, level=LEVEL))


def hammer(n_threads: int, action) -> list:
    results, barrier = [], threading.Barrier(n_threads)

    def run(i):  # results are (i, outcome) in completion order
        barrier.wait()  # start together, so the calls really interleave
        results.append((i, action(i)))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def low_events(stock, sku):
    return [e for e in stock.stock.find_one({"_id": sku}).get("_outbox", []) if e["type"] == "stock.low"]


def test_forty_shoppers_racing_for_ten_units_get_exactly_ten(stock):
    stock.ensure("A", "a", 10)
    results = [r for _, r in hammer(40, lambda i: stock.reserve("A", 1))]
    assert sum(r is not None for r in results) == 10
    assert stock.get("A") == {"sku": "A", "available": 0, "reserved": 10}
    assert sorted(r["available"] for r in results if r) == list(range(10))  # each unit went to one shopper


def test_racing_reservations_of_different_sizes_never_oversell(stock):
    stock.ensure("A", "a", 17)
    results = hammer(30, lambda i: stock.reserve("A", 1 + i % 4))
    taken = sum(1 + i % 4 for i, r in results if r is not None)
    doc = stock.get("A")
    assert doc == {"sku": "A", "available": 17 - taken, "reserved": taken} and 0 <= doc["available"] < 4
    assert all(r["available"] >= 0 for _, r in results if r)


def test_crossing_the_low_level_is_announced_exactly_once_under_a_race(stock):
    stock.ensure("A", "a", 12)
    hammer(12, lambda i: stock.reserve("A", 1))
    (event,) = low_events(stock, "A")
    assert event["data"] == {"sku": "A", "product_id": "a", "available": LEVEL, "level": LEVEL}


def test_a_reservation_that_does_not_fit_changes_nothing(stock):
    stock.ensure("A", "a", 3)
    assert stock.reserve("A", 4) is None
    assert stock.get("A") == {"sku": "A", "available": 3, "reserved": 0}
    assert stock.reserve("NOPE", 1) is None


def test_a_hold_is_reserved_once_and_released_or_committed_once(stock):
    stock.ensure("A", "a", 10)
    assert [r for _, r in hammer(8, lambda i: stock.reserve("A", 3, hold="order-1"))] == [
        {"sku": "A", "available": 7, "reserved": 3}
    ] * 8
    assert stock.get("A") == {"sku": "A", "available": 7, "reserved": 3}
    assert sum(r is not None for _, r in hammer(8, lambda i: stock.release("A", 3, hold="order-1"))) == 1
    assert stock.get("A") == {"sku": "A", "available": 10, "reserved": 0}
    stock.reserve("A", 2, hold="order-2")
    assert stock.commit("A", 2, hold="order-2") == {"sku": "A", "available": 8, "reserved": 0}
    assert stock.commit("A", 2, hold="order-2") is None and stock.release("A", 2, hold="order-2") is None


def test_release_and_commit_never_take_reserved_below_zero(stock):
    stock.ensure("A", "a", 5)
    stock.reserve("A", 2)
    results = hammer(6, lambda i: stock.release("A", 1) if i % 2 else stock.commit("A", 1))
    assert sum(r is not None for _, r in results) == 2
    doc = stock.get("A")
    assert doc["reserved"] == 0 and doc["available"] in (3, 4, 5)


def test_an_admin_count_racing_with_reservations_leaves_consistent_counts(stock):
    stock.ensure("A", "a", 50)
    results = dict(hammer(20, lambda i: stock.set_available("A", 40) if i == 0 else stock.reserve("A", 1)))
    doc = stock.get("A")
    after_count = sum(1 for i, r in results.items() if i and r["reserved"] > results[0]["reserved"])
    assert doc["reserved"] == 19 and doc["available"] == 40 - after_count


def test_events_passed_in_ride_in_the_same_write_as_the_change(stock):
    stock.ensure("A", "a", 50)
    event = service.low_stock_event({"sku": "A"}, 0, level=LEVEL)  # any event will do
    stock.reserve("A", 1, events=[event])
    assert [e["event_id"] for e in stock.stock.find_one({"_id": "A"})["_outbox"]] == [event.event_id]
