"""Admin catalog writes: who may write, validated bodies, events in the outbox, and the Redis cache."""

from __future__ import annotations

import re
import uuid

import pytest

import services.products
from tests.support.products import new_product, outbox


@pytest.fixture(scope="module")
def app(service_config):
    return services.products.create_app(service_config())


def metric(client, name, kind):
    text = client.get("/metrics").get_data(as_text=True)
    found = re.search(rf'^{name}{{kind="{kind}"}} ([0-9.]+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


def test_writes_need_a_token_and_the_admin_role(client, issuer):
    body = new_product()
    assert client.post("/api/products", json=body).status_code == 401
    assert client.post("/api/products", json=body, headers=issuer.headers()).status_code == 403
    assert client.patch("/api/products/fountain-pen", json={"price": 1}, headers=issuer.headers()).status_code == 403
    assert client.delete("/api/products/fountain-pen", headers=issuer.headers()).status_code == 403
    bad = {"Authorization": "Bearer not.a.token"}
    assert client.post("/api/products", json=body, headers=bad).status_code == 401


def test_an_admin_creates_a_product_and_its_event_carries_the_initial_stock(app, client, admin_headers):
    body = new_product()
    r = client.post("/api/products", json=body, headers=admin_headers)
    assert r.status_code == 201
    created = r.json
    assert created["name"] == body["name"] and created["price"] == 1999 and created["currency"] == "USD"
    assert re.fullmatch(r"[0-9a-f]{32}", created["id"]) and "initial_stock" not in created
    assert client.get(f"/api/products/{created['id']}").json["sku"] == body["sku"]
    kinds, entries = outbox(app, created["id"])
    assert kinds == [("product.changed", "created"), ("admin.action", "product.create")]  # audited in one write
    assert entries[1]["data"]["actor_id"] and entries[1]["data"]["after"]["sku"] == body["sku"]
    assert entries[0]["data"]["initial_stock"] == 7 and entries[0]["data"]["sku"] == body["sku"]


def test_a_duplicate_sku_is_409(client, admin_headers):
    body = new_product()
    assert client.post("/api/products", json=body, headers=admin_headers).status_code == 201
    r = client.post("/api/products", json=new_product(sku=body["sku"]), headers=admin_headers)
    assert r.status_code == 409 and r.json["error"] == "SKU_TAKEN"


@pytest.mark.parametrize(
    "change",
    [
        {"price": 19.99},
        {"price": "1999"},
        {"price": -1},
        {"price": True},
        {"price": 10**12},
        {"price": {"$gt": 0}},
        {"name": {"$ne": ""}},
        {"name": ""},
        {"name": "x" * 201},
        {"description": "x" * 2001},
        {"category": "Bad Category"},
        {"category": {"$regex": ".*"}},
        {"sku": "has space"},
        {"sku": "x" * 41},
        {"image": "javascript:alert(1)"},
        {"image": "https://evil.test/x.png"},
        {"currency": "BTC"},
        {"initial_stock": -3},
        {"initial_stock": "5"},
        {"featured": "yes"},
        {"$set": {"price": 0}},
        {"unknown": 1},
    ],
)
def test_bad_create_bodies_are_422_and_name_the_field(client, admin_headers, change):
    r = client.post("/api/products", json=new_product(**change), headers=admin_headers)
    assert r.status_code == 422 and r.json["error"] == "VALIDATION_ERROR" and r.json["details"]["fields"]


def test_a_body_that_is_not_a_json_object_is_400_and_an_oversized_one_413(client, admin_headers):
    for data in ("not json", "[1, 2]", '"text"'):
        r = client.post("/api/products", data=data, content_type="application/json", headers=admin_headers)
        assert r.status_code == 400 and r.json["error"] == "INVALID_JSON"
    huge = new_product(description="x" * 70_000)
    assert client.post("/api/products", json=huge, headers=admin_headers).status_code == 413


def test_an_admin_edits_a_product_and_the_change_is_announced(app, client, admin_headers):
    created = client.post("/api/products", json=new_product(), headers=admin_headers).json
    r = client.patch(f"/api/products/{created['id']}", json={"price": 2500, "featured": True}, headers=admin_headers)
    assert r.status_code == 200 and r.json["price"] == 2500 and r.json["featured"] is True
    assert r.json["name"] == created["name"]
    # The admin's audit entry rides in the same write as the change it records.
    assert outbox(app, created["id"])[0] == [
        ("product.changed", "created"),
        ("admin.action", "product.create"),
        ("product.changed", "updated"),
        ("admin.action", "product.update"),
    ]


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"name": None},
        {"price": None},
        {"sku": "NEW-SKU"},
        {"price": "1"},
        {"deleted": False},
        {"price": {"$inc": 1}},
    ],
)
def test_bad_edits_are_422_the_sku_is_not_editable_and_nulls_cannot_blank_a_field(client, admin_headers, change):
    r = client.patch("/api/products/fountain-pen", json=change, headers=admin_headers)
    assert r.status_code == 422, change


def test_a_zero_price_is_refused_on_create_and_edit_since_nobody_could_ever_pay_for_it(client, admin_headers):
    r = client.post("/api/products", json=new_product(price=0), headers=admin_headers)
    assert r.status_code == 422 and "price" in str(r.json["details"]["fields"])
    created = client.post("/api/products", json=new_product(), headers=admin_headers).json
    r = client.patch(f"/api/products/{created['id']}", json={"price": 0}, headers=admin_headers)
    assert r.status_code == 422 and "price" in str(r.json["details"]["fields"])
    assert client.get(f"/api/products/{created['id']}").json["price"] == 1999


def test_editing_or_deleting_an_unknown_product_is_404(client, admin_headers):
    assert client.patch("/api/products/no-such-thing", json={"price": 1}, headers=admin_headers).status_code == 404
    assert client.delete("/api/products/no-such-thing", headers=admin_headers).status_code == 404


def test_a_deleted_product_disappears_from_reads_and_its_deletion_is_announced(app, client, admin_headers):
    created = client.post("/api/products", json=new_product(), headers=admin_headers).json
    assert client.get("/api/products", query_string={"q": created["name"]}).json["total"] == 1
    assert client.delete(f"/api/products/{created['id']}", headers=admin_headers).status_code == 204
    assert client.get(f"/api/products/{created['id']}").status_code == 404
    assert client.get("/api/products", query_string={"q": created["name"]}).json["total"] == 0
    assert client.delete(f"/api/products/{created['id']}", headers=admin_headers).status_code == 404
    assert outbox(app, created["id"])[0][-2:] == [("product.changed", "deleted"), ("admin.action", "product.delete")]


def test_a_repeated_read_is_a_cache_hit_counted_in_metrics(client):
    params = {"q": uuid.uuid4().hex}  # a query nobody has asked before: the first read must miss
    misses, hits = (
        metric(client, "products_cache_misses_total", "list"),
        metric(client, "products_cache_hits_total", "list"),
    )
    client.get("/api/products", query_string=params)
    client.get("/api/products", query_string=params)
    assert metric(client, "products_cache_misses_total", "list") == misses + 1
    assert metric(client, "products_cache_hits_total", "list") == hits + 1


def test_every_write_invalidates_cached_lists_and_details(client, admin_headers):
    created = client.post("/api/products", json=new_product(), headers=admin_headers).json
    pid, query = created["id"], {"q": created["name"]}
    assert client.get("/api/products", query_string=query).json["items"][0]["price"] == 1999
    assert client.get(f"/api/products/{pid}").json["price"] == 1999  # both now cached
    client.patch(f"/api/products/{pid}", json={"price": 2999}, headers=admin_headers)
    assert client.get("/api/products", query_string=query).json["items"][0]["price"] == 2999
    assert client.get(f"/api/products/{pid}").json["price"] == 2999
    client.delete(f"/api/products/{pid}", headers=admin_headers)
    assert client.get("/api/products", query_string=query).json["total"] == 0


def test_the_catalog_still_answers_when_redis_is_down(redis_url, issuer):
    dead = "redis://127.0.0.1:1/0"
    app = services.products.create_app({"redis_url": dead, "run_workers": False, "service_urls": issuer.service_urls()})
    r = app.test_client().get("/api/products", query_string={"q": "linen"})
    assert r.status_code == 200 and r.json["items"][0]["name"] == "Classic Linen Shirt"
