"""The orders watchdog: an order whose saga message (or the provider's webhook) was lost is re-driven, and the
re-drive reserves and authorizes nothing twice. The three services' real use cases and repositories and the
provider stand-in, with the broker replaced by a hand that delivers outbox events, so a test can lose one."""

from __future__ import annotations

import uuid
from datetime import timedelta
from functools import partial

import pytest

from common.auth.identity import Identity
from common.clock import now
from common.messaging.events import Event
from common.mongo.database import written
from common.mongo.indexes import create_indexes
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
from services.payments.repository import ChargeRepository
from services.payments.stripe_adapter import StripeProcessor
from tests.support.databases import database_client
from tests.support.orders_fakes import FixedCatalog, NoCart, shopper
from tests.support.payflow import pay, pay_standin

BOUND = 30


class Shop:
    """Orders, inventory and payments over one in-process engine; `deliver` moves events as the broker would."""

    def __init__(self, provider: StripeProcessor, units: int = 10):
        db = database_client()[f"shop_{uuid.uuid4().hex}"]
        create_indexes(db, ORDER_INDEXES)
        self.orders = OrderRepository(db["orders"])
        self.stock = StockRepository(db["stock"], 5, partial(inventory.low_stock_event, level=5))
        self.stock.ensure("SKU-lamp", "lamp", units)
        self.reservations = ReservationRepository(db["reservations"])
        self.charges, self.provider = ChargeRepository(db["charges"]), provider
        self.users: dict[str, Identity] = {}
        self.consumers = {
            "orders": consumers.handlers(self.orders),
            "inventory": inventory_consumers.reservation_handlers(self.reservations, self.stock, 900),
            "payments": payment_consumers.handlers(self.charges, self.provider),
        }
        self.outboxes = [db["orders"], db["reservations"], db["charges"]]

    def place(self) -> str:
        user = shopper()
        body = PlaceOrder.model_validate(
            {
                "address": {"name": "N", "line1": "L", "city": "C", "postal_code": "P1", "country": "US"},
                "lines": [{"product_id": "lamp", "quantity": 2}],
            }
        )
        oid = service.place_order(
            self.orders, FixedCatalog(), NoCart(), service.Buyer.signed_in(user), uuid.uuid4().hex, body
        )[0]["_id"]
        self.users[oid] = user
        return oid

    def pay(self, oid: str, webhook: bool = True) -> None:
        """The shopper pays on the provider's page; the provider's webhook comes unless it is lost."""
        checkout = payments.start_checkout(self.charges, self.provider, SHOP, self.users[oid], oid)
        assert pay(checkout["url"]).status_code == 303
        if webhook:  # what the webhook endpoint does on checkout.session.completed
            payments.settle(self.charges, self.provider, oid, written(self.charges.get(oid))["session_id"])

    def intents(self, oid: str) -> int:
        return sum(
            1
            for i in self.provider.client.v1.payment_intents.list({"limit": 100}).data
            if i.metadata["order_id"] == oid
        )

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


SHOP = payments.Shop("http://shop.test", "Fragmart")


@pytest.fixture(scope="module")
def provider():
    with pay_standin() as standin:
        yield StripeProcessor(standin.key, standin.secret, standin.url)


@pytest.fixture()
def shop(provider):
    return Shop(provider)


@pytest.mark.parametrize("lost", ["order.placed", "stock.reserved"])
def test_an_order_whose_message_was_lost_before_payment_is_re_driven_to_be_paid_once(shop, lost):
    oid = shop.place()
    shop.deliver(lose={lost})
    assert shop.orders.get(oid)["status"] in ("PENDING", "AWAITING_PAYMENT")
    assert redrive_stalled(shop.orders, BOUND, at=shop.later(BOUND + 1)) == [oid]
    shop.deliver()
    shop.pay(oid)
    shop.deliver()
    order = shop.orders.get(oid)
    assert order["status"] == "CONFIRMED" and order["redrives"] == 1
    assert shop.charges.get(oid)["status"] == "authorized" and shop.intents(oid) == 1
    assert shop.stock.get("SKU-lamp")["available"] == 8  # held once (then committed), never twice


@pytest.mark.parametrize("lost", ["webhook", "payment.succeeded"])
def test_a_paid_order_whose_word_was_lost_is_confirmed_by_a_redrive_asking_the_provider(shop, lost):
    oid = shop.place()
    shop.deliver()
    shop.pay(oid, webhook=lost != "webhook")
    shop.deliver(lose={lost})
    assert shop.orders.get(oid)["status"] == "AWAITING_PAYMENT"
    assert redrive_stalled(shop.orders, BOUND, at=shop.later(BOUND + 1)) == [oid]
    shop.deliver()
    order = shop.orders.get(oid)
    assert order["status"] == "CONFIRMED" and order["redrives"] == 1
    assert shop.charges.get(oid)["status"] == "authorized" and shop.intents(oid) == 1
    assert shop.stock.get("SKU-lamp")["available"] == 8


def test_a_recent_or_settled_order_or_one_with_an_unsent_event_is_left_alone(shop):
    settled = shop.place()
    shop.deliver()
    shop.pay(settled)
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
    shop.pay(oid)
    shop.deliver()
    assert shop.orders.get(oid)["status"] == "CONFIRMED" and shop.orders.get(oid)["redrives"] == 2


def test_a_lost_rejection_is_announced_again_and_rejects_the_order(provider):
    shop = Shop(provider, units=1)  # too few: inventory rejects
    oid = shop.place()
    shop.deliver(lose={"stock.rejected"})
    redrive_stalled(shop.orders, BOUND, at=shop.later(BOUND + 1))
    shop.deliver()
    assert shop.orders.get(oid)["status"] == "REJECTED"
