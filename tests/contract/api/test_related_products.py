""" "You may also like" against the real Mongo and Redis: a confirmed order (fed to the products service's own
order.confirmed handler) changes what GET /api/products/<id>/related answers; replaying it changes nothing."""

from __future__ import annotations

import uuid

import pytest

import services.products
from common.messaging.messages import OrderConfirmed, OrderLine
from services.products import consumers
from services.products.deps import deps


@pytest.fixture()
def app(service_config):
    # A database of its own per test: the counts of one test are not another's.
    return services.products.create_app(service_config(mongo_db_prefix=f"t{uuid.uuid4().hex[:8]}_"))


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def confirm(app):
    """Deliver order.confirmed to the service's handler, as the consumer runner does; returns the event."""
    handle = consumers.handlers(deps(app).cache, deps(app).copurchases, deps(app).repo)[OrderConfirmed.TOPIC]

    def deliver(*product_ids: str, event=None):
        lines = [OrderLine(product_id=p, sku=f"SKU-{p}", quantity=1) for p in product_ids]
        event = event or OrderConfirmed(order_id=uuid.uuid4().hex, lines=lines).event("orders")
        handle(event)
        return event

    return deliver


def related(client, product_id: str) -> list[str]:
    r = client.get(f"/api/products/{product_id}/related")
    assert r.status_code == 200, r.json
    return [p["id"] for p in r.json["items"]]


def test_with_no_orders_a_product_shows_four_others_of_its_category(client):
    r = client.get("/api/products/ceramic-mug-set/related")
    items = r.json["items"]
    assert r.status_code == 200 and len(items) == 4
    assert {p["category"] for p in items} == {"kitchen"} and "ceramic-mug-set" not in [p["id"] for p in items]
    assert {"id", "name", "price", "currency", "image", "sku"} <= set(items[0])
    assert "_outbox" not in items[0] and "deleted" not in items[0]


def test_a_confirmed_order_puts_what_was_bought_together_first_and_a_replay_changes_nothing(client, confirm, app):
    before = related(client, "ceramic-mug-set")  # cached now: the handler must drop it
    assert "fountain-pen" not in before
    event = confirm("ceramic-mug-set", "fountain-pen", "hardcover-notebook")
    confirm("ceramic-mug-set", "fountain-pen")
    after = related(client, "ceramic-mug-set")
    assert after[:2] == ["fountain-pen", "hardcover-notebook"] and len(after) == 4
    assert related(client, "fountain-pen")[:2] == ["ceramic-mug-set", "hardcover-notebook"]
    counts = deps(app).copurchases.counts.find_one({"_id": "fountain-pen"})
    confirm(event=event)  # the same event again (a redelivery, a replay from the broker)
    assert related(client, "ceramic-mug-set") == after
    assert deps(app).copurchases.counts.find_one({"_id": "fountain-pen"}) == counts


def test_the_categorys_best_sellers_come_before_its_other_products(client, confirm):
    assert related(client, "ceramic-mug-set")[0] != "pour-over-coffee-kettle"
    confirm("pour-over-coffee-kettle")
    assert related(client, "ceramic-mug-set")[0] == "pour-over-coffee-kettle"


def test_a_deleted_product_is_never_offered_even_after_being_bought_together(client, confirm, admin_headers):
    confirm("ceramic-mug-set", "fountain-pen")
    assert related(client, "ceramic-mug-set")[0] == "fountain-pen"
    assert client.delete("/api/products/fountain-pen", headers=admin_headers).status_code == 204
    assert "fountain-pen" not in related(client, "ceramic-mug-set")
    assert client.get("/api/products/fountain-pen/related").status_code == 404


@pytest.mark.parametrize("bad", ["no-such-product", "$ne", "a" * 65, "é", "..%2f..%2fetc", "mug.set", "%7B%7D"])
def test_unknown_or_malformed_ids_are_404_with_a_json_error(client, bad):
    r = client.get(f"/api/products/{bad}/related")
    assert r.status_code == 404 and r.json["error"] == "NOT_FOUND"


@pytest.mark.parametrize("query", ["id[$ne]=x", "id[$where]=sleep(1000)", "limit=1000"])
def test_query_parameters_are_ignored_not_applied(client, query):
    r = client.get(f"/api/products/ceramic-mug-set/related?{query}")
    assert r.status_code == 200 and len(r.json["items"]) == 4


def test_an_order_line_whose_product_id_is_shaped_like_an_operator_or_a_path_counts_nothing(client, confirm, app):
    confirm("ceramic-mug-set", "$inc", "a.b", "fountain-pen")
    doc = deps(app).copurchases.counts.find_one({"_id": "ceramic-mug-set"})
    assert doc["with"] == {"fountain-pen": 1} and deps(app).copurchases.counts.count_documents({}) == 2


def test_writes_are_refused_on_the_related_path(client):
    assert client.post("/api/products/ceramic-mug-set/related", json={}).status_code == 405


def test_a_confirmed_order_drops_the_cached_related_answers_but_not_the_catalogs_other_caches(client, confirm, app):
    hits = deps(app).cache.hits

    def hit_count(kind: str) -> float:
        return hits.labels(kind)._value.get()

    client.get("/api/products?category=kitchen")  # cached now
    related(client, "ceramic-mug-set")
    grid_hits, related_hits = hit_count("list"), hit_count("related")
    confirm("ceramic-mug-set", "fountain-pen")
    client.get("/api/products?category=kitchen")
    assert hit_count("list") == grid_hits + 1  # the grid's answer is still the cached one
    assert related(client, "ceramic-mug-set")[0] == "fountain-pen" and hit_count("related") == related_hits
