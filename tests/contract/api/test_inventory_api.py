"""The inventory API: stock reads, the admin count, and stock created from product.changed."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest

import services.inventory
from common.clock import now
from common.messaging.events import make_event
from common.messaging.messages import OrderPlaced, ProductChanged
from services.inventory import reservations as rs
from services.inventory import service
from services.inventory.deps import deps as inventory_deps


@pytest.fixture(scope="module")
def app(service_config):
    return services.inventory.create_app(service_config())


@pytest.fixture(scope="module")
def stock(app):
    return inventory_deps(app).stock


def product_changed(action, sku, **data):
    return make_event("product.changed", {"action": action, "id": f"p-{sku}", "sku": sku, **data}, "products")


@pytest.fixture()
def sku(stock):
    sku = f"SKU-{uuid.uuid4().hex}"
    service.apply_product_change(stock, ProductChanged.parse(product_changed("created", sku, initial_stock=12)))
    return sku


def outbox_types(stock, sku):
    return [e["type"] for e in stock.stock.find_one({"_id": sku}).get("_outbox", [])]


def test_a_new_product_gets_its_initial_stock_and_a_replay_never_resets_it(client, stock, sku):
    assert client.get(f"/api/inventory/{sku}").json == {"sku": sku, "available": 12, "reserved": 0}
    stock.reserve(sku, 2)
    service.apply_product_change(stock, ProductChanged.parse(product_changed("created", sku, initial_stock=99)))
    assert client.get(f"/api/inventory/{sku}").json == {"sku": sku, "available": 10, "reserved": 2}


def test_an_update_for_a_product_without_stock_creates_an_empty_record(client, stock):
    sku = f"SKU-{uuid.uuid4().hex}"
    service.apply_product_change(stock, ProductChanged.parse(product_changed("updated", sku)))
    assert client.get(f"/api/inventory/{sku}").json["available"] == 0


def test_a_deleted_product_keeps_its_record_but_can_no_longer_be_reserved(client, stock, sku):
    service.apply_product_change(stock, ProductChanged.parse(product_changed("deleted", sku)))
    assert client.get(f"/api/inventory/{sku}").json["available"] == 12
    assert stock.reserve(sku, 1) is None


@pytest.mark.parametrize(
    "data",
    [
        {"action": "exploded"},
        {"sku": "$ne"},
        {"sku": None},
        {"initial_stock": -1},
        {"initial_stock": "5"},
        {"initial_stock": True},
    ],
)
def test_a_malformed_product_event_raises_so_the_consumer_retries_then_dead_letters(stock, data):
    event = make_event(
        "product.changed", {"action": "created", "id": "p", "sku": f"S-{uuid.uuid4().hex[:8]}", **data}, "products"
    )
    with pytest.raises(ValueError):
        service.apply_product_change(stock, ProductChanged.parse(event))


def test_stock_for_several_skus_in_one_call_leaves_out_unknown_ones(client, stock, sku):
    other = f"SKU-{uuid.uuid4().hex}"
    service.apply_product_change(stock, ProductChanged.parse(product_changed("created", other, initial_stock=3)))
    r = client.get("/api/inventory", query_string={"skus": f"{sku},{other},NOPE-{uuid.uuid4().hex[:8]}"})
    assert r.status_code == 200
    assert sorted((i["sku"], i["available"]) for i in r.json["items"]) == sorted([(sku, 12), (other, 3)])


@pytest.mark.parametrize(
    "query",
    [
        "",
        "skus=",
        "skus=,,",
        "skus=a$ne",
        "skus[$ne]=x",
        "skus=" + "a" * 41,
        "skus=" + ",".join(f"S{i}" for i in range(101)),
        "skus=a%00b",
    ],
)
def test_bad_sku_lists_are_422(client, query):
    r = client.get(f"/api/inventory?{query}")
    assert r.status_code == 422 and r.json["error"] == "VALIDATION_ERROR"


@pytest.mark.parametrize("bad", ["NOPE-0000", "$ne", "a" * 41, "é"])
def test_an_unknown_or_malformed_sku_is_404(client, bad):
    r = client.get(f"/api/inventory/{bad}")
    assert r.status_code == 404 and r.json["error"] == "SKU_NOT_FOUND"


def test_counting_stock_needs_the_admin_role(client, issuer, sku):
    assert client.put(f"/api/inventory/{sku}", json={"quantity": 1}).status_code == 401
    assert client.put(f"/api/inventory/{sku}", json={"quantity": 1}, headers=issuer.headers()).status_code == 403


def test_an_admin_count_sets_available_and_leaves_reserved_units_held(client, stock, admin_headers, sku):
    stock.reserve(sku, 4)
    r = client.put(f"/api/inventory/{sku}", json={"quantity": 30}, headers=admin_headers)
    assert r.status_code == 200 and r.json == {"sku": sku, "available": 30, "reserved": 4}


def test_a_count_for_a_sku_no_product_has_is_404_and_leaves_no_record_behind(client, stock, admin_headers):
    phantom = f"SKU-{uuid.uuid4().hex}"
    r = client.put(f"/api/inventory/{phantom}", json={"quantity": 2}, headers=admin_headers)
    assert r.status_code == 404 and r.json["error"] == "SKU_NOT_FOUND"
    # The product created afterwards gets its own initial stock, not the refused count.
    service.apply_product_change(stock, ProductChanged.parse(product_changed("created", phantom, initial_stock=7)))
    assert client.get(f"/api/inventory/{phantom}").json["available"] == 7


def test_adjustments_never_push_a_level_past_the_cap_a_count_enforces(client, admin_headers, sku):
    client.put(f"/api/inventory/{sku}", json={"quantity": 1_000_000}, headers=admin_headers)
    r = client.post(f"/api/inventory/{sku}/adjust", json={"delta": 10}, headers=admin_headers)
    assert r.status_code == 409 and r.json["error"] == "STOCK_TOO_HIGH"
    for _ in range(3):  # the probe's repeated big adjustments from a low level
        client.post(f"/api/inventory/{sku}/adjust", json={"delta": 1_000_000}, headers=admin_headers)
    assert client.get(f"/api/inventory/{sku}").json["available"] == 1_000_000


@pytest.mark.parametrize(
    "body",
    [
        {"quantity": -1},
        {"quantity": "5"},
        {"quantity": 1.5},
        {"quantity": None},
        {"quantity": {"$gt": 0}},
        {"quantity": 1_000_001},
        {},
        {"quantity": 1, "x": 1},
        {"$set": {"available": 5}},
    ],
)
def test_bad_counts_are_422(client, admin_headers, sku, body):
    r = client.put(f"/api/inventory/{sku}", json=body, headers=admin_headers)
    assert r.status_code == 422 and r.json["details"]["fields"]


def test_a_count_with_a_malformed_sku_is_404_and_a_body_that_is_not_json_400(client, admin_headers, sku):
    assert client.put("/api/inventory/$ne", json={"quantity": 1}, headers=admin_headers).status_code == 404
    r = client.put(f"/api/inventory/{sku}", data="7", content_type="application/json", headers=admin_headers)
    assert r.status_code == 400


def test_falling_to_the_low_level_announces_stock_low_once(client, stock, admin_headers, sku):
    client.put(f"/api/inventory/{sku}", json={"quantity": 6}, headers=admin_headers)
    assert outbox_types(stock, sku) == ["admin.action"]  # each count is audited with it
    client.put(f"/api/inventory/{sku}", json={"quantity": 5}, headers=admin_headers)
    client.put(f"/api/inventory/{sku}", json={"quantity": 2}, headers=admin_headers)
    (event,) = [e for e in stock.stock.find_one({"_id": sku})["_outbox"] if e["type"] != "admin.action"]
    assert event["type"] == "stock.low" and event["data"]["available"] == 5 and event["data"]["sku"] == sku


def test_paid_reservations_stuck_past_the_bound_show_on_the_metrics_gauge(service_config):
    app = services.inventory.create_app(service_config(paid_reservation_ttl_seconds=600))
    reservations, stock = inventory_deps(app).reservations, inventory_deps(app).stock
    client = app.test_client()

    def gauge():
        text = client.get("/metrics").get_data(as_text=True)
        return float(re.search(r"^inventory_stuck_paid_reservations ([0-9.]+)$", text, re.M).group(1))

    sku = f"SKU-{uuid.uuid4().hex}"
    stock.ensure(sku, "p", 5)
    order_id = uuid.uuid4().hex
    rs.reserve(
        reservations,
        stock,
        OrderPlaced.model_validate({"order_id": order_id, "lines": [{"sku": sku, "quantity": 1}]}),
        60,
    )
    reservations.mark_paid(order_id)
    assert gauge() == 0
    # Paid eleven minutes ago and still no order.confirmed: past the 600 s bound.
    reservations.reservations.update_one({"_id": order_id}, {"$set": {"paid_at": now() - timedelta(seconds=660)}})
    assert gauge() == 1
