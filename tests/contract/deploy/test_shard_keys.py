"""Shard keys (devstack/shards.py): the committed mongosh script is current, and the orders service's hot path names
the orders shard key in every query, the saga's by-order-id reads and moves included (they never scatter)."""

from __future__ import annotations

import uuid

import pytest

from common.api.paging import PageQuery
from common.messaging.events import make_event
from common.mongo.indexes import create_indexes
from devstack import shards
from services.orders import service
from services.orders.consumers import handlers
from services.orders.indexes import INDEXES
from services.orders.repository import OrderRepository
from services.orders.schemas import PlaceOrder
from tests.support.databases import fresh_database

QUERIES = (
    "find",
    "find_one",
    "find_one_and_update",
    "update_one",
    "update_many",
    "count_documents",
    "delete_one",
    "delete_many",
)


class Recording:
    """A collection that notes the fields each query filters on, then runs it."""

    def __init__(self, collection):
        self._collection, self.filters = collection, []

    def __getattr__(self, name):
        attr = getattr(self._collection, name)
        if name not in QUERIES:
            return attr

        def recorded(filter_=None, *args, **kwargs):
            self.filters.append((name, tuple(sorted(filter_ or {}))))
            return attr(filter_, *args, **kwargs)

        return recorded


class Shopper:
    def __init__(self):
        self.user_id, self.email, self.name, self.is_admin = uuid.uuid4().hex, "s@example.test", "S", False


class FixedCatalog:
    def products(self, ids):
        return {pid: {"id": pid, "sku": f"SKU-{pid}", "name": pid, "price": 500, "currency": "USD"} for pid in ids}


class NoCart:
    def lines(self, cart_id):
        return []

    def take_ordered(self, order):
        pass


def test_the_committed_shard_script_is_what_the_declared_keys_write():
    assert shards.OUT.read_text() == shards.script(), "run `python -m devstack.shards`"


def test_every_sharded_collection_belongs_to_a_service_database():
    from common.settings import SERVICE_PORTS

    assert set(shards.SHARD_KEYS) <= set(SERVICE_PORTS)


def test_the_orders_hot_path_names_the_shard_key_in_every_query():
    (key,) = shards.SHARD_KEYS["orders"]["orders"][0]
    db = fresh_database("orders")
    create_indexes(db, INDEXES)
    recording = Recording(db["orders"])
    repo = OrderRepository(recording)
    on, shopper = handlers(repo), Shopper()
    body = PlaceOrder.model_validate(
        {
            "address": {"name": "N", "line1": "L", "city": "C", "postal_code": "P1", "country": "GB"},
            "lines": [{"product_id": "lamp", "quantity": 1}],
        }
    )
    key_header = uuid.uuid4().hex
    order, _ = service.place_order(repo, FixedCatalog(), NoCart(), service.Buyer.signed_in(shopper), key_header, body)
    service.place_order(
        repo, FixedCatalog(), NoCart(), service.Buyer.signed_in(shopper), key_header, body
    )  # a retried POST
    # The saga's events carry the customer's id, as inventory and payments send them.
    on["stock.reserved"](
        make_event("stock.reserved", {"order_id": order["_id"], "user_id": shopper.user_id}, "inventory")
    )
    on["payment.succeeded"](
        make_event(
            "payment.succeeded",
            {
                "order_id": order["_id"],
                "user_id": shopper.user_id,
                "charge_id": "ch_1",
                "brand": "visa",
                "last4": "4242",
            },
            "payments",
        )
    )
    service.list_orders(repo, shopper, PageQuery(page=1, per_page=10))
    service.get_order(repo, shopper, order["_id"])
    assert repo.get(order["_id"], shopper.user_id)["status"] == "CONFIRMED"
    assert {(op, fields) for op, fields in recording.filters if key not in fields} == set()
    assert ("find_one", ("idem", "user_id")) in recording.filters  # the idempotency lookup is targeted


@pytest.mark.parametrize(("db", "collection"), [("inventory", "reservations"), ("payments", "charges")])
def test_saga_collections_keyed_by_order_id_are_sharded_on_it(db, collection):
    assert shards.SHARD_KEYS[db][collection][0] == {"_id": "hashed"}
