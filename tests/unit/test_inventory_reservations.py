"""Reservations: all lines or none, safe under concurrency and redelivery; commit, release, restock, expiry."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from functools import partial

import pytest

from common.messaging.messages import OrderPlaced
from common.mongo.indexes import create_indexes
from services.inventory import consumers, service
from services.inventory import reservations as rs
from services.inventory.indexes import INDEXES
from services.inventory.repository import StockRepository
from services.inventory.reservation_store import ReservationRepository, now
from tests.support.databases import database_client

TTL = 60


@pytest.fixture()
def db():
    return database_client()[f"inventory_{uuid.uuid4().hex}"]


@pytest.fixture()
def stock(db):
    repo = StockRepository(db["stock"], 5, partial(service.low_stock_event, level=5))
    for sku, units in (("A", 5), ("B", 5), ("C", 1)):
        repo.ensure(sku, sku.lower(), units)
    return repo


@pytest.fixture()
def res(db):
    create_indexes(db, INDEXES)
    repo = ReservationRepository(db["reservations"])
    return repo


def placed(*lines, order_id=None):
    return {
        "order_id": order_id or uuid.uuid4().hex,
        "user_id": "u1",
        "email": "u1@example.test",
        "payment": {"token": "pm_x", "amount": 100, "currency": "USD"},
        "lines": [{"sku": sku, "quantity": qty, "product_id": sku.lower()} for sku, qty in lines],
    }


def counts(stock, sku):
    doc = stock.get(sku)
    return doc["available"], doc["reserved"]


def outbox(res, order_id):
    return [
        (e["type"], e["data"].get("reason")) for e in res.reservations.find_one({"_id": order_id}).get("_outbox", [])
    ]


def test_an_order_that_fits_holds_every_line_and_says_so_with_the_payment_to_take(res, stock):
    data = placed(("A", 2), ("B", 1))
    r = rs.reserve(res, stock, OrderPlaced.model_validate(data), TTL)
    assert r["status"] == "held" and counts(stock, "A") == (3, 2) and counts(stock, "B") == (4, 1)
    (event,) = res.reservations.find_one({"_id": data["order_id"]})["_outbox"]
    assert event["type"] == "stock.reserved" and event["data"]["payment"] == data["payment"]
    assert event["data"]["expires_at"] and event["data"]["user_id"] == "u1"


class CrashOnSku:
    """The stock repository of a process that dies while holding the given SKU: the holds before it are made."""

    def __init__(self, stock, sku):
        self.stock, self.sku = stock, sku

    def reserve(self, sku, qty, **kwargs):
        if sku == self.sku:
            raise SystemExit("killed mid-way")
        return self.stock.reserve(sku, qty, **kwargs)


def test_the_holds_the_move_to_held_and_its_event_are_one_transaction(res, stock):
    """A crash between two lines' holds leaves no hold behind and the reservation still to do, without its
    event; the redelivery then holds every line once."""
    data = placed(("A", 2), ("B", 1))
    with pytest.raises(SystemExit):
        rs.reserve(res, CrashOnSku(stock, "B"), OrderPlaced.model_validate(data), TTL)
    assert counts(stock, "A") == (5, 0) and stock.stock.find_one({"_id": "A"})["holds"] == []
    assert res.get(data["order_id"])["status"] == "reserving" and outbox(res, data["order_id"]) == []
    r = rs.reserve(res, stock, OrderPlaced.model_validate(data), TTL)
    assert r["status"] == "held" and counts(stock, "A") == (3, 2) and counts(stock, "B") == (4, 1)
    assert outbox(res, data["order_id"]) == [("stock.reserved", None)]


def test_one_short_line_rejects_the_order_and_gives_every_other_unit_back(res, stock):
    data = placed(("A", 2), ("C", 2))
    r = rs.reserve(res, stock, OrderPlaced.model_validate(data), TTL)
    assert r["status"] == "rejected" and r["short"] == ["C"]
    assert counts(stock, "A") == (5, 0) and counts(stock, "C") == (1, 0)
    assert outbox(res, data["order_id"]) == [("stock.rejected", "out_of_stock")]


def test_an_unknown_sku_rejects_the_order(res, stock):
    assert (
        rs.reserve(res, stock, OrderPlaced.model_validate(placed(("A", 1), ("NOPE", 1))), TTL)["status"] == "rejected"
    )
    assert counts(stock, "A") == (5, 0)


def test_a_redelivered_order_placed_reserves_nothing_twice(res, stock):
    data = placed(("A", 2))
    for _ in range(3):
        rs.reserve(res, stock, OrderPlaced.model_validate(data), TTL)
    assert counts(stock, "A") == (3, 2) and len(outbox(res, data["order_id"])) == 1


def test_a_delivery_after_a_crash_mid_reservation_finishes_the_job(res, stock):
    data = placed(("A", 2), ("B", 3))
    res.start(
        {
            "_id": data["order_id"],
            "lines": [{"sku": "A", "quantity": 2}, {"sku": "B", "quantity": 3}],
            "order": {"user_id": "u1"},
        }
    )
    stock.reserve("A", 2, hold=data["order_id"])  # the crash came after the first SKU
    assert rs.reserve(res, stock, OrderPlaced.model_validate(data), TTL)["status"] == "held"
    assert counts(stock, "A") == (3, 2) and counts(stock, "B") == (2, 3)


def test_a_malformed_order_is_refused_so_the_runner_dead_letters_it(res, stock):
    with pytest.raises((ValueError, KeyError, TypeError)):
        rs.reserve(res, stock, OrderPlaced.model_validate(placed(("A", -1))), TTL)
    with pytest.raises((ValueError, KeyError, TypeError)):
        rs.reserve(res, stock, OrderPlaced.model_validate({"order_id": "x", "lines": [{"quantity": 1}]}), TTL)


def test_twenty_concurrent_orders_for_five_units_hold_exactly_five_and_never_go_below_zero(res, stock):
    orders = [placed(("A", 1), ("B", 1)) if i % 2 else placed(("B", 1), ("A", 1)) for i in range(20)]
    start, results = threading.Barrier(20), []

    def run(data):
        start.wait()
        results.append(rs.reserve(res, stock, OrderPlaced.model_validate(data), TTL)["status"])

    threads = [threading.Thread(target=run, args=(d,)) for d in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results).count("held") == 5 and results.count("rejected") == 15
    assert counts(stock, "A") == (0, 5) and counts(stock, "B") == (0, 5)


def test_a_confirmed_order_commits_its_units_once(res, stock):
    data = placed(("A", 2))
    rs.reserve(res, stock, OrderPlaced.model_validate(data), TTL)
    for _ in range(2):
        r = rs.commit(res, stock, data["order_id"])
    assert r["status"] == "committed" and counts(stock, "A") == (3, 0)


@pytest.mark.parametrize("reason", ["payment_failed", "order_cancelled"])
def test_a_failed_or_cancelled_order_releases_its_units_once(res, stock, reason):
    data = placed(("A", 2), ("B", 1))
    rs.reserve(res, stock, OrderPlaced.model_validate(data), TTL)
    for _ in range(3):
        rs.release(res, stock, data["order_id"], reason)
    assert counts(stock, "A") == (5, 0) and counts(stock, "B") == (5, 0)
    assert outbox(res, data["order_id"]) == [("stock.reserved", None), ("stock.released", reason)]
    rs.commit(res, stock, data["order_id"])  # a late confirmation cannot take released units
    assert counts(stock, "A") == (5, 0)


def test_a_paid_order_cancelled_before_shipping_puts_its_units_back_once(res, stock):
    data = placed(("A", 2))
    rs.reserve(res, stock, OrderPlaced.model_validate(data), TTL)
    rs.commit(res, stock, data["order_id"])
    rs.release(res, stock, data["order_id"], "payment_failed")  # a stray failure cannot undo a commit
    assert counts(stock, "A") == (3, 0)
    for _ in range(3):
        r = rs.release(res, stock, data["order_id"], "order_cancelled")
    assert r["status"] == "returned" and counts(stock, "A") == (5, 0)
    assert outbox(res, data["order_id"])[-1] == ("stock.released", "order_cancelled")


def test_an_unpaid_reservation_expires_and_a_paid_one_does_not(res, stock):
    unpaid, paid = placed(("A", 1)), placed(("B", 1))
    rs.reserve(res, stock, OrderPlaced.model_validate(unpaid), TTL)
    rs.reserve(res, stock, OrderPlaced.model_validate(paid), TTL)
    res.mark_paid(paid["order_id"])
    assert rs.expire_due(res, stock) == []  # nothing is due yet
    later = now() + timedelta(seconds=TTL + 1)
    assert rs.expire_due(res, stock, later) == [unpaid["order_id"]]
    assert rs.expire_due(res, stock, later) == []
    assert counts(stock, "A") == (5, 0) and counts(stock, "B") == (4, 1)
    assert outbox(res, unpaid["order_id"])[-1] == ("stock.released", "reservation_expired")


def test_a_paid_reservation_whose_confirmation_never_comes_is_reported_once_and_keeps_its_units(res, stock, caplog):
    data, bound = placed(("A", 2)), 24 * 3600
    rs.reserve(res, stock, OrderPlaced.model_validate(data), TTL)
    res.mark_paid(data["order_id"])
    almost, past = now() + timedelta(seconds=bound - 60), now() + timedelta(seconds=bound + 1)
    assert rs.flag_stuck_paid(res, bound, almost) == []
    with caplog.at_level("ERROR"):
        assert rs.flag_stuck_paid(res, bound, past) == [data["order_id"]]
        assert rs.flag_stuck_paid(res, bound, past) == []  # reported once, not on every sweep
    [alert] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert "paid reservation stuck" in alert.getMessage() and alert.order_id == data["order_id"]
    assert res.count_stuck_paid(past - timedelta(seconds=bound)) == 1
    assert rs.expire_due(res, stock, past) == [] and counts(stock, "A") == (3, 2)  # the shopper paid for them
    assert rs.commit(res, stock, data["order_id"])["status"] == "committed"  # a late confirmation still lands
    assert res.count_stuck_paid(past - timedelta(seconds=bound)) == 0 and counts(stock, "A") == (3, 0)


def test_a_redelivered_payment_does_not_restart_the_paid_clock(res, stock):
    data = placed(("A", 1))
    rs.reserve(res, stock, OrderPlaced.model_validate(data), TTL)
    res.mark_paid(data["order_id"])
    first = res.get(data["order_id"])["paid_at"]
    res.mark_paid(data["order_id"])
    assert res.get(data["order_id"])["paid_at"] == first


def test_the_handlers_cover_the_saga_topics(res, stock):
    assert set(consumers.reservation_handlers(res, stock, TTL)) == {
        "order.placed",
        "payment.succeeded",
        "order.confirmed",
        "order.cancelled",
    }
