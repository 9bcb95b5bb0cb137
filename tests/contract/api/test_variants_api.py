"""Variants through the catalog API and the services that use them: the product answers with its options and
variants, product.changed carries them, inventory keeps stock per variant, the cart and orders take a variant, and
products stored before variants are migrated."""

from __future__ import annotations

import uuid

import pytest

import services.inventory
import services.products
from common.messaging.events import Event
from common.messaging.messages import ProductChanged
from services.inventory import service as inventory_service
from services.inventory.deps import deps as inventory_deps
from services.products import service as products_service
from services.products.deps import deps as products_deps

SIZE = {"name": "Size", "values": ["S", "M", "L"]}
COLOUR = {"name": "Colour", "values": ["Sand", "Navy"]}


@pytest.fixture(scope="module")
def app(service_config):
    return services.products.create_app(service_config())


@pytest.fixture(scope="module")
def inventory(service_config):
    return services.inventory.create_app(service_config())


def body(**fields):
    base = f"V-{uuid.uuid4().hex[:10]}".upper()
    return {"name": f"Shirt {base}", "price": 4900, "category": "testing", "sku": base, **fields}


def events(app, product_id) -> list[ProductChanged]:
    doc = products_deps(app).repo.products.find_one({"_id": product_id})
    return [ProductChanged.parse(Event(**e)) for e in doc.get("_outbox", []) if e["type"] == "product.changed"]


def test_a_product_with_two_options_has_a_variant_per_combination_each_with_its_stock(
    app, client, admin_headers, inventory
):
    given = [
        {"options": {"Size": s, "Colour": c}, "initial_stock": n, **({"price": 5400} if s == "L" else {})}
        for n, (s, c) in enumerate([(s, c) for s in SIZE["values"] for c in COLOUR["values"]], start=1)
    ]
    r = client.post("/api/products", json=body(options=[SIZE, COLOUR], variants=given), headers=admin_headers)
    assert r.status_code == 201, r.json
    made = r.json
    base = made["sku"]
    assert [v["sku"] for v in made["variants"]][:2] == [f"{base}-S-SAND", f"{base}-S-NAVY"]
    assert [v["label"] for v in made["variants"]][:2] == ["S / Sand", "S / Navy"]
    assert made["variants"][0]["name"] == f"{made['name']} — S / Sand"
    assert (made["price_min"], made["price_max"]) == (4900, 5400)
    (created,) = events(app, made["id"])
    assert created.action == "created" and len(created.variants) == 6
    assert {v.sku: v.initial_stock for v in created.variants}[f"{base}-M-NAVY"] == 4
    assert {v.sku: v.price for v in created.variants}[f"{base}-L-SAND"] == 5400
    stock = inventory_deps(inventory).stock
    inventory_service.apply_product_change(stock, created)
    assert {d["sku"]: d["available"] for d in stock.get_many([v.sku for v in created.variants])} == {
        v.sku: v.initial_stock for v in created.variants
    }
    assert stock.get(base) is None  # the product's own SKU is no unit of stock once it has options


def test_an_edit_that_drops_a_combination_discontinues_its_stock_and_a_new_one_starts_with_its_own(
    app, client, admin_headers, inventory
):
    made = client.post(
        "/api/products",
        json=body(options=[SIZE], variants=[{"options": {"Size": s}, "initial_stock": 5} for s in ("S", "M")]),
        headers=admin_headers,
    ).json
    stock = inventory_deps(inventory).stock
    inventory_service.apply_product_change(stock, events(app, made["id"])[0])
    kept = [
        {"sku": made["variants"][0]["sku"], "options": {"Size": "S"}},
        {"options": {"Size": "L"}, "initial_stock": 2},
    ]
    r = client.patch(f"/api/products/{made['id']}", json={"variants": kept}, headers=admin_headers)
    assert r.status_code == 200, r.json
    assert [v["label"] for v in r.json["variants"]] == ["S", "L"]
    updated = events(app, made["id"])[-1]
    by_sku = {v.sku: v for v in updated.variants}
    s, m, large = (f"{made['sku']}-{x}" for x in "SML")
    assert by_sku[m].discontinued and not by_sku[s].discontinued
    assert by_sku[large].initial_stock == 2 and by_sku[s].initial_stock is None  # S keeps the stock it has
    stock.reserve(s, 1)
    inventory_service.apply_product_change(stock, updated)
    assert stock.get(s)["available"] == 4 and stock.get(large)["available"] == 2
    assert stock.reserve(m, 1) is None  # discontinued: cannot be reserved


def test_a_variant_sku_used_by_another_product_is_refused_with_409(client, admin_headers):
    first = client.post("/api/products", json=body(), headers=admin_headers).json
    r = client.post(
        "/api/products",
        json=body(options=[SIZE], variants=[{"sku": first["sku"], "options": {"Size": "S"}}]),
        headers=admin_headers,
    )
    assert r.status_code == 409 and r.json["error"] == "SKU_TAKEN" and r.json["details"]["sku"] == first["sku"]


@pytest.mark.parametrize(
    "fields",
    [
        {"options": [{"name": {"$ne": ""}, "values": ["S"]}]},
        {"options": [{"name": "Size", "values": [{"$gt": ""}]}]},
        {"options": [{"name": "<script>alert(1)</script>", "values": ["S"]}]},
        {"options": [{"name": "Size", "values": ["S,M"]}]},  # a comma separates the filters' values
        {"options": [{"name": "Size", "values": ["S"] * 13}]},
        {"options": [{"name": "Size", "values": []}]},
        {"options": [SIZE, COLOUR, {"name": "Fit", "values": ["Slim"]}, {"name": "Cut", "values": ["A"]}]},
        {"options": "Size"},
        {"options": [SIZE], "variants": [{"options": {"Size": "S"}, "price": "49"}]},
        {"options": [SIZE], "variants": [{"options": {"Size": "S"}, "sku": "A B"}]},
        {"options": [SIZE], "variants": [{"options": {"Size": "S"}, "initial_stock": -1}]},
        {"options": [SIZE], "variants": [{"options": {"Size": "XXL"}}]},
        {"options": [SIZE], "variants": []},
        {"options": [SIZE], "variants": [{"options": {"Size": "S"}}, {"options": {"Size": "S"}}]},
        {"variants": [{"options": {"Size": "S"}}]},
    ],
)
def test_options_and_variants_that_cannot_be_are_refused_with_422_naming_the_field(client, admin_headers, fields):
    r = client.post("/api/products", json=body(**fields), headers=admin_headers)
    assert r.status_code == 422, r.json
    assert {"options", "variants"} & {f.split(".")[0] for f in r.json["details"]["fields"]}


def test_a_catalog_stored_before_variants_is_migrated_once_at_start_keeping_each_sku(app, service_config):
    """A snapshot of a product document as the catalog kept it before variants."""
    products = products_deps(app).repo.products
    snapshot = {
        "_id": f"old-{uuid.uuid4().hex[:8]}",
        "sku": f"OLD-{uuid.uuid4().hex[:8]}".upper(),
        "name": "Ceramic Mug Set",
        "description": "Four stoneware mugs in speckled glaze.",
        "price": 3200,
        "currency": "USD",
        "category": "kitchen",
        "image": "/static/img/categories/kitchen.svg",
        "featured": False,
        "deleted": False,
        "words": ["ceramic", "mug", "set"],
        "name_words": ["ceramic", "mug", "set"],
        "_outbox": [],
    }
    products.insert_one(snapshot)
    assert products_service.migrate_variants(products) >= 1
    stored = products.find_one({"_id": snapshot["_id"]})
    assert stored["variants"] == [{"sku": snapshot["sku"], "options": {}, "price": None, "image": None}]
    assert (stored["options"], stored["price_min"], stored["price_max"]) == ([], 3200, 3200)
    assert {k: stored[k] for k in snapshot if k != "_outbox"} == {k: v for k, v in snapshot.items() if k != "_outbox"}
    assert products_service.migrate_variants(products) == 0
    services.products.create_app(service_config())  # a restart finds nothing left to migrate
    assert products.find_one({"_id": snapshot["_id"]}) == stored


def test_an_event_of_the_one_sku_shape_still_gives_its_product_stock(inventory):
    """product.changed written before variants (replayed by a rebuild) names one SKU and its initial stock."""
    sku = f"OLD-{uuid.uuid4().hex[:8]}".upper()
    old = ProductChanged.model_validate({"action": "created", "id": "p-old", "sku": sku, "initial_stock": 6})
    stock = inventory_deps(inventory).stock
    inventory_service.apply_product_change(stock, old)
    assert stock.get(sku)["available"] == 6


def test_searching_by_sku_finds_the_product_of_a_variant(client, admin_headers):
    made = client.post(
        "/api/products", json=body(options=[SIZE], variants=[{"options": {"Size": "M"}}]), headers=admin_headers
    ).json
    found = client.get("/api/products", query_string={"skus": f"{made['sku']}-M"}).json["items"]
    assert [p["id"] for p in found] == [made["id"]]
    found = client.get("/api/products", query_string={"skus": made["sku"]}).json["items"]
    assert [p["id"] for p in found] == [made["id"]]  # by the product's own SKU too (the legacy import's lookups)
