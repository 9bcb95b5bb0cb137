"""The orders watchdog: an order whose saga message was lost is re-driven, and the re-drive reserves and charges
nothing twice. The three services' real use cases and repositories, with the broker replaced by a hand that
delivers outbox events, so a test can lose one."""

from __future__ import annotations

import uuid
from datetime import timedelta
from functools import partial

import pytest

from common.clock import now
from common.events import Event
from common.indexes import create_indexes
from services.inventory import consumers as inventory_consumers
from services.inventory import service as inventory
from services.inventory.repository import StockRepository
from services.inventory.reservation_store import ReservationRepository
from services.orders import consumers, service
from services.orders.indexes import INDEXES as ORDER_INDEXES
from services.orders.repository import OrderRepository
from services.orders.schemas import PlaceOrder
from services.orders.watchdog import redrive_stalled
from services.payments import consumers as payment_consumers
from services.payments import service as payments
from services.payments.processor import SimulatedProcessor
from services.payments.repository import ChargeRepository, MethodRepository
from tests.databases import database_client
from tests.unit.test_orders_consumers import FixedCatalog, NoCart, shopper
from tests.unit.test_payments_charges import Card

BOUND = 30


class Shop:
    """Orders, inventory and payments over one in-process engine; `deliver` moves events as the broker would."""

    def __init__(self, units: int = 10):
        db = database_client()[f"shop_{uuid.uuid4().hex}"]
        create_indexes(db, ORDER_INDEXES)
        self.orders = OrderRepository(db["orders"])
        self.stock = StockRepository(db["stock"], 5, partial(inventory.low_stock_event, level=5))
        self.stock.ensure("SKU-lamp", "lamp", units)
        self.reservations = ReservationRepository(db["reservations"])
        self.charges, self.methods = ChargeRepository(db["charges"]), MethodRepository(db["methods"])
        self.processor = SimulatedProcessor(db["processor"])
        self.consumers = {
            "orders": consumers.handlers(self.orders),
            "inventory": inventory_consumers.reservation_handlers(self.reservations, self.stock, 900),
            "payments": payment_consumers.handlers(self.charges, self.methods, self.processor),
        }
        self.outboxes = [db["orders"], db["reservations"], db["charges"]]

    def place(self) -> str:
        user = shopper()
        card = payments.tokenise(self.methods, self.processor, user.user_id, Card("4242424242424242"))["token"]
        body = PlaceOrder.model_validate(
            {
                "address": {"name": "N", "line1": "L", "city": "C", "postal_code": "P1", "country": "US"},
                "payment_token": card,
                "lines": [{"product_id": "lamp", "quantity": 2}],
            }
        )
        return service.place_order(self.orders, FixedCatalog(), NoCart(), user, uuid.uuid4().hex, body)[0]["_id"]

    def deliver(self, lose=()) -> list[str]:
        """Relay every outbox until quiet; events whose type is in `lose` vanish, as in a broker restart."""
        seen: list[str] = []
        while True:
            batch = [
                (c, d["_id"], e)
                for c in self.outboxes
                for d in c.find({"_outbox.0": {"$exists": True}})
                for e in d["_outbox"]
            ]
            if not batch:
                return seen
            for coll, doc_id, entry in batch:
                coll.update_one({"_id": doc_id}, {"$pull": {"_outbox": {"event_id": entry["event_id"]}}})
                seen.append(entry["type"])
                if entry["type"] not in lose:
                    for handlers in self.consumers.values():
                        if entry["type"] in handlers:
                            handlers[entry["type"]](Event(**entry))

    def later(self, seconds: float):
        return now() + timedelta(seconds=seconds)


@pytest.fixture()
def shop():
    return Shop()


@pytest.mark.parametrize("lost", ["order.placed", "stock.reserved", "payment.succeeded"])
def test_an_order_whose_message_was_lost_is_confirmed_by_a_redrive_with_one_charge_and_one_hold(shop, lost):
    oid = shop.place()
    shop.deliver(lose={lost})
    assert shop.orders.get(oid)["status"] in ("PENDING", "AWAITING_PAYMENT")
    calls = shop.processor.calls
    assert redrive_stalled(shop.orders, BOUND, at=shop.later(BOUND + 1)) == [oid]
    shop.deliver()
    order = shop.orders.get(oid)
    assert order["status"] == "CONFIRMED" and order["redrives"] == 1
    assert shop.processor.calls == calls + (1 if lost in ("order.placed", "stock.reserved") else 0)
    assert shop.charges.get(oid)["status"] == "succeeded"
    assert shop.stock.get("SKU-lamp")["available"] == 8  # held once (then committed), never twice


def test_a_recent_or_settled_order_or_one_with_an_unsent_event_is_left_alone(shop):
    settled = shop.place()
    shop.deliver()
    waiting = shop.place()  # its order.placed is still in the outbox: the relay's job, not a loss
    assert redrive_stalled(shop.orders, BOUND, at=shop.later(BOUND + 1)) == []
    shop.deliver(lose={"order.placed"})
    assert redrive_stalled(shop.orders, BOUND, at=shop.later(BOUND / 2)) == []  # not stuck long enough yet
    assert shop.orders.get(settled)["status"] == "CONFIRMED" and shop.orders.get(waiting)["status"] == "PENDING"


def test_an_order_still_stuck_is_re_driven_again_after_a_growing_gap(shop):
    oid = shop.place()
    shop.deliver(lose={"order.placed"})
    assert redrive_stalled(shop.orders, BOUND, at=shop.later(BOUND + 1)) == [oid]
    shop.deliver(lose={"order.placed"})  # lost again
    assert redrive_stalled(shop.orders, BOUND, at=shop.later(BOUND + 2)) == []  # the next one waits a bound
    assert redrive_stalled(shop.orders, BOUND, at=shop.later(2 * BOUND + 2)) == [oid]
    shop.deliver()
    assert shop.orders.get(oid)["status"] == "CONFIRMED" and shop.orders.get(oid)["redrives"] == 2


def test_a_lost_rejection_is_announced_again_and_rejects_the_order():
    shop = Shop(units=1)  # too few: inventory rejects
    oid = shop.place()
    shop.deliver(lose={"stock.rejected"})
    redrive_stalled(shop.orders, BOUND, at=shop.later(BOUND + 1))
    shop.deliver()
    assert shop.orders.get(oid)["status"] == "REJECTED"
