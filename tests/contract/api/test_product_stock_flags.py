"""'In stock only': the catalog keeps which variant SKUs are sold out, fed by inventory's stock.changed and never asking
inventory on a request; a product starts with its flags from its initial stock; replays change nothing."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest

import services.products
from common.messaging.events import make_event
from common.messaging.messages import StockChanged
from services.products import consumers, stock_flags
from services.products.deps import deps


@pytest.fixture(scope="module")
def app(service_config):
    return services.products.create_app(service_config())


@pytest.fixture(scope="module")
def on_stock(app):
    d = deps(app)
    return consumers.handlers(d.cache, d.copurchases, d.repo)[StockChanged.TOPIC]


def changed(product_id, sku, available, at=None):
    event = make_event(
        StockChanged.TOPIC,
        {"sku": sku, "product_id": product_id, "available": available, "in_stock": available > 0},
        "inventory",
    )
    return event if at is None else dataclasses.replace(event, occurred_at=at.isoformat())


def create(client, admin_headers, units: int) -> dict:
    body = {
        "name": f"Flag test {uuid.uuid4().hex[:8]}",
        "price": 2000,
        "category": f"flags-{uuid.uuid4().hex[:6]}",
        "sku": f"FL-{uuid.uuid4().hex}",
        "initial_stock": units,
    }
    r = client.post("/api/products", json=body, headers=admin_headers)
    assert r.status_code == 201, r.json
    return r.json


def listed(client, product, **params) -> list[str]:
    query = {"category": product["category"], **params}
    return [p["id"] for p in client.get("/api/products", query_string=query).json["items"]]


def test_a_product_created_with_no_stock_starts_sold_out_and_one_with_stock_in_stock(client, admin_headers):
    empty, stocked = create(client, admin_headers, 0), create(client, admin_headers, 3)
    assert empty["in_stock"] is False and empty["sold_out"] == [empty["sku"]]
    assert stocked["in_stock"] is True and stocked["sold_out"] == []
    assert listed(client, empty, in_stock="true") == [] and listed(client, stocked, in_stock="true") == [stocked["id"]]


def test_stock_changed_crossing_zero_flips_in_stock_each_way_and_the_cached_listing_follows(
    client, admin_headers, on_stock
):
    product = create(client, admin_headers, 2)
    assert listed(client, product, in_stock="true") == [product["id"]]  # cached now
    on_stock(changed(product["id"], product["sku"], 0))
    assert listed(client, product, in_stock="true") == [] and listed(client, product) == [product["id"]]
    page = client.get("/api/products", query_string={"category": product["category"], "facets": "true"}).json
    assert page["facets"]["in_stock"] == 0
    on_stock(changed(product["id"], product["sku"], 4))
    assert listed(client, product, in_stock="true") == [product["id"]]
    assert client.get(f"/api/products/{product['id']}").json["sold_out"] == []


def test_a_redelivered_or_older_event_changes_nothing(client, admin_headers, on_stock):
    product = create(client, admin_headers, 2)
    now = datetime.now(UTC)
    sold_out = changed(product["id"], product["sku"], 0, now)
    on_stock(sold_out)
    on_stock(sold_out)  # redelivered
    on_stock(changed(product["id"], product["sku"], 1, now + timedelta(seconds=1)))
    on_stock(sold_out)  # replayed from the dead letters after the newer word
    on_stock(changed(product["id"], product["sku"], 0, now - timedelta(seconds=5)))  # older still
    found = client.get(f"/api/products/{product['id']}").json
    assert found["in_stock"] is True and found["sold_out"] == []


def test_a_product_with_variants_is_in_stock_while_any_variant_is(app, client, on_stock):
    repo, pid, tag = deps(app).repo, uuid.uuid4().hex, uuid.uuid4().hex[:8]
    skus = [f"V-{tag}-M", f"V-{tag}-L"]
    doc = {
        "_id": pid,
        "sku": skus[0],
        "name": f"Variant shirt {tag}",
        "price": 3000,
        "currency": "USD",
        "category": f"flags-{tag}",
        "options": [{"name": "Size", "values": ["M", "L"]}],
        "variants": [{"sku": s, "options": {"Size": s[-1]}, "price": None, "image": None} for s in skus],
    }
    repo.products.insert_one({**doc, **stock_flags.at_creation(doc, {skus[0]: 0, skus[1]: 5}), "deleted": False})
    assert client.get(f"/api/products/{pid}").json["sold_out"] == [skus[0]]
    on_stock(changed(None, skus[1], 0))  # no product id: found by its variant's SKU
    assert client.get(f"/api/products/{pid}").json["in_stock"] is False
    on_stock(changed(pid, skus[0], 3))
    found = client.get(f"/api/products/{pid}").json
    assert found["in_stock"] is True and found["sold_out"] == [skus[1]]


def test_a_sku_no_product_has_is_ignored_and_a_malformed_event_is_refused(on_stock):
    on_stock(changed(None, f"NOPE-{uuid.uuid4().hex}", 0))
    on_stock(changed(uuid.uuid4().hex, "NOPE-1", 0))
    for data in ({"sku": {"$ne": ""}, "available": 0, "in_stock": False}, {"sku": "S-1", "available": "0"}):
        with pytest.raises(ValueError):
            on_stock(make_event(StockChanged.TOPIC, data, "inventory"))


@pytest.mark.parametrize(
    ("doc", "in_stock"),
    [
        ({"sku": "A"}, True),
        ({"sku": "A", "sold_out": ["A"]}, False),
        ({"sku": "A", "variants": [{"sku": "A"}, {"sku": "B"}], "sold_out": ["A"]}, True),
        ({"sku": "A", "variants": [{"sku": "A"}, {"sku": "B"}], "sold_out": ["B", "A"]}, False),
        ({"sku": "A", "variants": [{"sku": "B"}], "sold_out": ["A"]}, True),  # a removed variant's SKU counts not
    ],
)
def test_in_stock_of_is_true_while_some_variant_sku_is_not_sold_out(doc, in_stock):
    assert stock_flags.in_stock_of(doc) is in_stock
    assert stock_flags.flags(doc)["in_stock"] is in_stock
