"""Inventory started with an empty database rebuilds stock for the catalog from the products API and the broker."""

from __future__ import annotations

import pytest

import services.inventory
import services.products
from common.messaging.events import Event
from common.messaging.kafka import Publisher, ensure_topics, read_topic
from common.messaging.messages import StockChanged
from services.inventory import reconcile as rc
from services.inventory.deps import deps as inventory_deps
from services.products import consumers
from services.products.deps import deps as products_deps
from services.products.seed import seed_documents, seed_stock

SEED = {sku: units for sku, _, units in seed_stock()}
SEED_HISTORY = {
    sku: {"initial": units, "product_id": product_id, "discontinued": False} for sku, product_id, units in seed_stock()
}


@pytest.fixture(scope="module")
def products(service_config):
    """The real products service, seeded as in local mode (its outbox still holds the seed's events)."""
    return services.products.create_app(service_config())


@pytest.fixture(scope="module")
def get_page(products):
    client = products.test_client()
    return lambda page: client.get("/api/products", query_string={"page": page, "per_page": 10}).json


@pytest.fixture(scope="module")
def broker_history(products, kafka_bootstrap):
    """Publish the products' own product.changed events to a real broker, as its outbox relay does."""
    ensure_topics({"bootstrap_servers": kafka_bootstrap}, [rc.TOPIC])
    publisher = Publisher(kafka_bootstrap)
    for doc in products_deps(products).repo.products.find({}, {"_outbox": 1}):
        for entry in doc["_outbox"]:
            publisher.publish(rc.TOPIC, Event(**entry), key=doc["_id"])
    publisher.close()
    return lambda: rc.fold_history(read_topic({"bootstrap_servers": kafka_bootstrap}, rc.TOPIC))


@pytest.fixture()
def stock(service_config):
    """A freshly started inventory: its in-process database is empty, like after a crash in local mode."""
    return inventory_deps(services.inventory.create_app(service_config())).stock


def available(stock) -> dict:
    return {d["sku"]: d["available"] for d in stock.get_many(SEED)}


def test_the_catalog_is_read_over_every_page(get_page):
    assert len(rc.catalog_skus(get_page)) == len(SEED) > 10


def test_an_empty_inventory_gets_every_catalog_product_back_with_its_initial_stock(stock, get_page, broker_history):
    assert available(stock) == {}
    result = rc.reconcile(stock, rc.catalog_skus(get_page), broker_history, last_try=False)
    assert result == {"products": len(SEED), "restored": len(SEED), "zeroed": 0, "pending": 0}
    assert available(stock) == SEED
    assert rc.reconcile(stock, rc.catalog_skus(get_page), broker_history, last_try=True)["restored"] == 0


def test_reconcile_never_overwrites_stock_that_exists(stock, get_page, broker_history):
    sku = next(iter(SEED))
    stock.set_available(sku, 1)
    stock.reserve(sku, 1)
    rc.reconcile(stock, rc.catalog_skus(get_page), broker_history, last_try=True)
    assert stock.get(sku) == {"sku": sku, "available": 0, "reserved": 1}


def test_a_product_whose_events_are_gone_waits_for_them_then_gets_zero_and_an_error_line(stock, get_page, caplog):
    catalog = rc.catalog_skus(get_page)
    assert rc.reconcile(stock, catalog, lambda: {}, last_try=False)["pending"] == len(SEED)
    assert available(stock) == {}  # its created event may still be on its way: nothing to pin at 0 yet
    with caplog.at_level("ERROR"):
        assert rc.reconcile(stock, catalog, lambda: {}, last_try=True)["zeroed"] == len(SEED)
    assert available(stock) == dict.fromkeys(SEED, 0)
    assert "recount them in /admin/inventory" in caplog.text


def test_the_history_keeps_the_first_created_stock_and_the_last_state():
    def raw(action, initial=None):
        data = {"action": action, "id": "p1", "sku": "S-1"}
        if initial is not None:
            data["initial_stock"] = initial
        return Event("product.changed", data, "products").to_json()

    history = rc.fold_history([raw("created", 4), b"not json", raw("updated"), raw("created", 9), raw("deleted")])
    assert history == {"S-1": {"initial": 4, "product_id": "p1", "discontinued": True}}


def test_the_reconciler_thread_runs_once_in_the_background(stock, get_page, broker_history):
    worker = rc.Reconciler(stock, get_page, broker_history, grace=0)
    worker.start()
    worker.join(timeout=30)
    assert worker.result == {"products": len(SEED), "restored": len(SEED), "zeroed": 0, "pending": 0, "flags_told": 0}
    assert available(stock) == SEED


def test_a_created_event_later_than_the_grace_still_sets_the_stock_it_was_zeroed_for(stock, get_page):
    """The reconciler gave up waiting and pinned 0, but the event was only late: it sets the count after all,
    while an admin's count (knowledge, not a guess) is never overwritten by it."""
    catalog = rc.catalog_skus(get_page)
    rc.reconcile(stock, catalog, lambda: {}, last_try=True)
    late, counted = list(SEED)[:2]
    stock.set_available(counted, 3)
    for sku in (late, counted):
        stock.ensure(sku, catalog[sku], SEED[sku])
    assert stock.get(late) == {"sku": late, "available": SEED[late], "reserved": 0}
    assert stock.get(counted) == {"sku": counted, "available": 3, "reserved": 0}
    stock.ensure(late, catalog[late], SEED[late] + 5)  # a replay of it now finds a known count
    assert stock.get(late)["available"] == SEED[late]


def test_the_reconciler_tells_the_catalog_of_stock_its_in_stock_flags_disagree_with_then_nothing(
    products, stock, get_page
):
    """Products from before stock.changed have no flags (read as in stock); a word may have been lost. Each such SKU
    gets a stock.changed with its count as it stands, and once the catalog's consumer has read them, none."""
    rc.reconcile(stock, rc.catalog_skus(get_page), lambda: SEED_HISTORY, last_try=False)
    catalog = products_deps(products).repo.products
    sold_out_at_seed = next(sku for sku, units in SEED.items() if units == 0)
    assert rc.align_stock_flags(stock, rc.catalog_sold_out(get_page)) == []  # the seed's flags are right
    simple = {doc["sku"] for doc, _ in seed_documents() if not doc["options"]}  # the product's SKU is its stock's
    old, drifted = [sku for sku, units in SEED.items() if units > 0 and sku in simple][:2]
    stock.set_available(old, 0)  # as if before the event: the catalog was never told
    catalog.update_one({"sku": old}, {"$unset": {"sold_out": "", "in_stock": ""}})
    catalog.update_one({"sku": drifted}, {"$set": {"sold_out": [drifted], "in_stock": False}})  # a lost word
    products_deps(products).cache.invalidate()
    told = rc.align_stock_flags(stock, rc.catalog_sold_out(get_page))
    assert sorted(told) == sorted([old, drifted]) and sold_out_at_seed not in told
    on_stock = consumers.handlers(products_deps(products).cache, None, products_deps(products).repo)
    for sku in told:
        for entry in stock.stock.find_one({"_id": sku})["_outbox"]:
            if entry["type"] == StockChanged.TOPIC:
                on_stock[StockChanged.TOPIC](Event(**entry))
    assert catalog.find_one({"sku": old})["in_stock"] is False and catalog.find_one({"sku": drifted})["in_stock"]
    assert rc.align_stock_flags(stock, rc.catalog_sold_out(get_page)) == []
