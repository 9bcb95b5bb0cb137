"""The cart API on the orders service, against real products and inventory services served on loopback."""

from __future__ import annotations

import contextlib
import re
import uuid

import pytest
import requests

import services.inventory
import services.orders
import services.products
from common.platform import ApiPlatform, platform_of
from devstack.probes import free_port
from services.orders.cart_store import CART_KEY, GUEST_TTL, user_cart_id
from services.orders.deps import deps as orders_deps
from tests.support.servers import serving

# Cart lines are variants, by SKU: the tee in M (16 in stock), the linen shirt in L / Sand (3), the jacket in M (0).
SHIRT, JEANS, JACKET = "FM-APP-005-M", "FM-APP-001-L-SAND", "FM-APP-004-M"
PRODUCT_OF = {SHIRT: "everyday-cotton-tee", JEANS: "classic-linen-shirt", JACKET: "waxed-canvas-jacket"}


@pytest.fixture(scope="module")
def app(service_config, upstreams):
    return services.orders.create_app(
        service_config(urls={"products": upstreams["products"], "inventory": upstreams["inventory"]})
    )


@pytest.fixture()
def guest():
    return {"X-Cart-Id": uuid.uuid4().hex}


def add(client, headers, item=SHIRT, quantity=1):
    """Add a seeded variant (by SKU), or a product without options (by id)."""
    chosen = {"product_id": PRODUCT_OF[item], "sku": item} if item in PRODUCT_OF else {"product_id": item}
    return client.post("/api/cart/items", json={**chosen, "quantity": quantity}, headers=headers)


def lines(cart):
    return {i["sku"]: i["quantity"] for i in cart["items"]}


def admin_product(upstreams, issuer, **fields):
    """A fresh product with its own stock, so a test may change or delete it freely."""
    body = {
        "name": f"Cart test {uuid.uuid4().hex}",
        "price": 1500,
        "category": "testing",
        "sku": f"C-{uuid.uuid4().hex}",
        **fields,
    }
    created = requests.post(
        f"{upstreams['products']}/api/products", json=body, headers=issuer.headers(role="admin"), timeout=5
    ).json()
    upstreams["stock"].ensure(created["sku"], created["id"], fields.get("initial_stock", 10))
    return created


def test_a_guest_without_a_cart_sees_an_empty_one_and_is_not_given_an_id(client):
    r = client.get("/api/cart")
    assert r.status_code == 200 and "X-Cart-Id" not in r.headers
    assert r.json == {"cart_id": None, "items": [], "count": 0, "subtotal": 0, "currency": "USD", "promo_code": None}


def test_a_guests_first_add_mints_a_cart_id_kept_in_redis_with_a_ttl(app, client):
    r = add(client, {}, SHIRT, 2)
    assert r.status_code == 200
    cart_id = r.headers["X-Cart-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", cart_id) and r.json["cart_id"] == cart_id
    redis = platform_of(app, kind=ApiPlatform).redis
    assert redis.hgetall(CART_KEY.format(id=cart_id)) == {SHIRT: "2"}
    assert 0 < redis.ttl(CART_KEY.format(id=cart_id)) <= GUEST_TTL
    again = add(client, {"X-Cart-Id": cart_id}, SHIRT, 1)
    assert "X-Cart-Id" not in again.headers and lines(again.json) == {SHIRT: 3}


def test_lines_are_priced_by_the_products_service_and_follow_its_price_changes(client, guest, upstreams, issuer):
    product = admin_product(upstreams, issuer, price=1500)
    cart = add(client, guest, product["id"], 2).json
    (line,) = cart["items"]
    assert (line["price"], line["line_total"], cart["subtotal"], line["sku"]) == (1500, 3000, 3000, product["sku"])
    requests.patch(
        f"{upstreams['products']}/api/products/{product['id']}",
        json={"price": 1700},
        headers=issuer.headers(role="admin"),
        timeout=5,
    )
    assert client.get("/api/cart", headers=guest).json["subtotal"] == 3400


def test_a_price_sent_by_the_client_is_refused(client, guest):
    r = client.post(
        "/api/cart/items",
        json={"product_id": PRODUCT_OF[SHIRT], "sku": SHIRT, "quantity": 1, "price": 1},
        headers=guest,
    )
    assert r.status_code == 422 and "price" in r.json["details"]["fields"]


def test_quantities_add_up_and_are_held_to_the_stock(client, guest):
    assert lines(add(client, guest, JEANS, 2).json) == {JEANS: 2}
    r = add(client, guest, JEANS, 2)
    assert r.status_code == 409 and r.json["error"] == "INSUFFICIENT_STOCK"
    assert r.json["details"] == {
        "product_id": PRODUCT_OF[JEANS],
        "sku": JEANS,
        "available": 3,
        "in_cart": 2,
        "requested": 2,
    }
    assert lines(add(client, guest, JEANS, 1).json) == {JEANS: 3}


def test_an_out_of_stock_product_cannot_be_added_and_an_unknown_one_is_404(client, guest):
    r = add(client, guest, JACKET)
    assert r.status_code == 409 and r.json["message"] == "Waxed Canvas Jacket — M is out of stock"
    r = add(client, guest, "no-such-product")
    assert r.status_code == 404 and r.json["error"] == "PRODUCT_NOT_FOUND"
    assert client.get("/api/cart", headers=guest).json["items"] == []


@pytest.mark.parametrize(
    "body",
    [
        *(
            {"product_id": PRODUCT_OF[SHIRT], "sku": SHIRT, "quantity": bad}
            for bad in (-1, 0, 100, "2", 1.5, True, {"$gt": 0}, None)
        ),
        {"product_id": {"$ne": None}, "quantity": 1},
        {"product_id": "../orders", "quantity": 1},
        {"product_id": "x" * 65, "quantity": 1},
        {"quantity": 1},
        {"product_id": PRODUCT_OF[SHIRT], "quantity": 1, "$set": {"quantity": 5}},
        {"product_id": PRODUCT_OF[SHIRT], "sku": {"$ne": None}, "quantity": 1},
        {"product_id": PRODUCT_OF[SHIRT], "sku": "M/../x", "quantity": 1},
        {"product_id": PRODUCT_OF[SHIRT], "options": {"Size": {"$ne": "S"}}, "quantity": 1},
        {"product_id": PRODUCT_OF[SHIRT], "options": ["Size", "M"], "quantity": 1},
    ],
)
def test_bad_add_bodies_are_422(client, guest, body):
    r = client.post("/api/cart/items", json=body, headers=guest)
    assert r.status_code == 422 and r.json["error"] == "VALIDATION_ERROR"


def test_a_body_that_is_not_a_json_object_is_400(client, guest):
    r = client.post("/api/cart/items", data="[]", content_type="application/json", headers=guest)
    assert r.status_code == 400 and r.json["error"] == "INVALID_JSON"


def test_a_line_quantity_can_be_set_checked_against_stock_and_zero_removes_it(client, guest):
    add(client, guest, SHIRT, 1)
    add(client, guest, JEANS, 1)
    assert lines(client.patch(f"/api/cart/items/{SHIRT}", json={"quantity": 5}, headers=guest).json) == {
        SHIRT: 5,
        JEANS: 1,
    }
    r = client.patch(f"/api/cart/items/{JEANS}", json={"quantity": 4}, headers=guest)
    assert r.status_code == 409 and r.json["details"]["available"] == 3
    assert lines(client.patch(f"/api/cart/items/{SHIRT}", json={"quantity": 0}, headers=guest).json) == {JEANS: 1}


@pytest.mark.parametrize(
    "body",
    [
        {"quantity": -1},
        {"quantity": 100},
        {"quantity": "3"},
        {"quantity": None},
        {"quantity": {"$inc": 1}},
        {},
        {"quantity": 1, "product_id": "x"},
    ],
)
def test_bad_quantity_changes_are_422(client, guest, body):
    add(client, guest, SHIRT, 1)
    assert client.patch(f"/api/cart/items/{SHIRT}", json=body, headers=guest).status_code == 422


def test_changing_or_removing_a_line_that_is_not_there_is_404(client, guest):
    add(client, guest, SHIRT, 1)
    for headers in (guest, {}):
        assert client.patch(f"/api/cart/items/{JEANS}", json={"quantity": 1}, headers=headers).status_code == 404
        assert client.delete(f"/api/cart/items/{JEANS}", headers=headers).status_code == 404
    assert client.delete("/api/cart/items/$ne", headers=guest).json["error"] == "LINE_NOT_FOUND"


def test_a_line_is_removed_once(client, guest):
    add(client, guest, SHIRT, 1)
    assert client.delete(f"/api/cart/items/{SHIRT}", headers=guest).json["items"] == []
    assert client.delete(f"/api/cart/items/{SHIRT}", headers=guest).status_code == 404


@pytest.mark.parametrize("cart_id", ["user:someone", "$ne", "A" * 32, "0" * 31, "0" * 33, "../x"])
def test_a_malformed_cart_id_is_400_so_a_guest_cannot_name_a_users_cart(client, cart_id):
    r = client.get("/api/cart", headers={"X-Cart-Id": cart_id})
    assert r.status_code == 400 and r.json["error"] == "INVALID_CART_ID"


def test_a_signed_in_shopper_has_a_cart_of_their_own_that_does_not_expire(app, client, issuer, guest):
    alice, bob = uuid.uuid4().hex, uuid.uuid4().hex
    add(client, guest, JEANS, 1)
    cart = add(client, {**issuer.headers(alice), **guest}, SHIRT, 2).json  # the guest header is ignored
    assert lines(cart) == {SHIRT: 2} and cart["cart_id"] is None
    assert platform_of(app, kind=ApiPlatform).redis.ttl(CART_KEY.format(id=user_cart_id(alice))) == -1
    assert client.get("/api/cart", headers=issuer.headers(bob)).json["items"] == []
    assert lines(client.get("/api/cart", headers=guest).json) == {JEANS: 1}


def test_merging_at_sign_in_adds_the_guest_lines_to_the_account_and_drops_the_guest_cart(app, client, issuer, guest):
    user = issuer.headers(uuid.uuid4().hex)
    add(client, user, SHIRT, 1)
    add(client, guest, SHIRT, 2)
    add(client, guest, JEANS, 1)
    r = client.post("/api/cart/merge", headers={**user, **guest})
    assert r.status_code == 200 and r.json["merged"] == 2 and lines(r.json) == {SHIRT: 3, JEANS: 1}
    assert not platform_of(app, kind=ApiPlatform).redis.exists(CART_KEY.format(id=guest["X-Cart-Id"]))
    again = client.post("/api/cart/merge", headers={**user, **guest})
    assert again.json["merged"] == 0 and lines(again.json) == {SHIRT: 3, JEANS: 1}
    assert client.post("/api/cart/merge", headers=user).json["merged"] == 0


def test_merging_needs_a_signed_in_shopper(client, guest):
    assert client.post("/api/cart/merge", headers=guest).status_code == 401


def test_the_summary_counts_items_without_pricing(client, guest):
    add(client, guest, SHIRT, 2)
    add(client, guest, JEANS, 1)
    assert client.get("/api/cart/summary", headers=guest).json == {
        "cart_id": guest["X-Cart-Id"],
        "count": 3,
        "lines": 2,
    }
    assert client.get("/api/cart/summary").json["count"] == 0


def test_a_line_whose_product_was_deleted_leaves_the_cart(client, guest, upstreams, issuer):
    product = admin_product(upstreams, issuer)
    add(client, guest, product["id"], 1)
    add(client, guest, SHIRT, 1)
    requests.delete(
        f"{upstreams['products']}/api/products/{product['id']}", headers=issuer.headers(role="admin"), timeout=5
    )
    assert lines(client.get("/api/cart", headers=guest).json) == {SHIRT: 1}


def test_a_line_beyond_what_is_left_is_flagged(client, guest, upstreams, issuer):
    product = admin_product(upstreams, issuer, initial_stock=4)
    add(client, guest, product["id"], 4)
    upstreams["stock"].set_available(product["sku"], 2)
    (line,) = client.get("/api/cart", headers=guest).json["items"]
    assert (line["available"], line["max_quantity"], line["exceeds_stock"]) == (2, 2, True)


def test_one_line_holds_at_most_99(client, guest, upstreams, issuer):
    product = admin_product(upstreams, issuer, initial_stock=500)
    assert add(client, guest, product["id"], 99).status_code == 200
    r = add(client, guest, product["id"], 1)
    assert r.status_code == 409 and r.json["error"] == "QUANTITY_LIMIT"


def test_a_cart_holds_at_most_50_different_products(app, client, guest, upstreams, issuer):
    redis = platform_of(app, kind=ApiPlatform).redis
    redis.hset(CART_KEY.format(id=guest["X-Cart-Id"]), mapping={f"filler-{i}": 1 for i in range(50)})
    r = add(client, guest, SHIRT, 1)
    assert r.status_code == 409 and r.json["error"] == "CART_FULL"


def test_without_the_products_service_a_cart_cannot_be_priced_and_says_so(redis_url, issuer, upstreams, guest):
    dead = f"http://127.0.0.1:{free_port()}"
    urls = issuer.service_urls(products=dead, inventory=upstreams["inventory"])
    client = services.orders.create_app(
        {"redis_url": redis_url, "run_workers": False, "service_urls": urls, "http_timeout": 0.5}
    ).test_client()
    orders_deps(client.application).cart_store.add(guest["X-Cart-Id"], SHIRT, 1, limit=10)
    r = client.get("/api/cart", headers=guest)
    assert r.status_code == 503 and r.json["error"] == "CATALOG_UNAVAILABLE"
    assert client.get("/api/cart/summary", headers=guest).json["count"] == 1


def test_without_inventory_nothing_can_be_added_but_the_cart_still_shows(redis_url, issuer, upstreams, guest):
    dead = f"http://127.0.0.1:{free_port()}"
    urls = issuer.service_urls(products=upstreams["products"], inventory=dead)
    client = services.orders.create_app(
        {"redis_url": redis_url, "run_workers": False, "service_urls": urls, "http_timeout": 0.5}
    ).test_client()
    r = add(client, guest, SHIRT, 1)
    assert r.status_code == 503 and r.json["error"] == "STOCK_UNAVAILABLE"
    orders_deps(client.application).cart_store.add(guest["X-Cart-Id"], SHIRT, 1, limit=10)
    (line,) = client.get("/api/cart", headers=guest).json["items"]
    assert line["available"] is None and line["exceeds_stock"] is False


def test_with_the_catalog_down_the_cart_renders_its_lines_as_last_seen(service_config, upstreams, redis_url):
    with contextlib.ExitStack() as catalog:
        products = catalog.enter_context(
            serving(services.products.create_app({"redis_url": redis_url, "run_workers": False}))
        )
        app = services.orders.create_app(
            service_config(urls={"products": products, "inventory": upstreams["inventory"]})
        )
        client, guest = app.test_client(), {"X-Cart-Id": uuid.uuid4().hex}
        add(client, guest, SHIRT, 2)
        seen = add(client, guest, JEANS, 1).json
    down = client.get("/api/cart", headers=guest)  # the products service is gone now
    assert down.status_code == 200 and down.json == seen
    (shirt,) = [i for i in down.json["items"] if i["sku"] == SHIRT]
    assert shirt["name"] and shirt["image"] and shirt["price"] > 0 and shirt["quantity"] == 2
    removed = client.delete(f"/api/cart/items/{JEANS}", headers=guest)
    assert removed.status_code == 200 and lines(removed.json) == {SHIRT: 2}
    # Adding needs the catalog (what is not in the cart has never been seen): still an honest 503.
    assert add(client, guest, JACKET, 1).status_code == 503


def test_a_product_with_options_needs_a_choice_made_by_sku_or_by_its_values(client, guest):
    r = client.post("/api/cart/items", json={"product_id": "classic-linen-shirt", "quantity": 1}, headers=guest)
    assert r.status_code == 409 and r.json["error"] == "VARIANT_REQUIRED"
    assert r.json["message"] == "Choose Size, Colour first"
    r = client.post(
        "/api/cart/items",
        json={"product_id": "classic-linen-shirt", "options": {"Size": "L", "Colour": "Sand"}, "quantity": 2},
        headers=guest,
    )
    assert r.status_code == 200 and lines(r.json) == {JEANS: 2}
    (line,) = r.json["items"]
    assert (line["name"], line["variant"], line["product_id"]) == (
        "Classic Linen Shirt — L / Sand",
        "L / Sand",
        SHIRT_ID,
    )


SHIRT_ID = "classic-linen-shirt"


@pytest.mark.parametrize(
    "choice",
    [
        {"sku": "FM-KIT-006"},  # a SKU of another product
        {"sku": "FM-APP-001-XXL-SAND"},
        {"options": {"Size": "XXL", "Colour": "Sand"}},
        {"options": {"Size": "M"}},
    ],
)
def test_a_choice_that_is_not_one_of_the_products_variants_is_404(client, guest, choice):
    r = client.post("/api/cart/items", json={"product_id": SHIRT_ID, "quantity": 1, **choice}, headers=guest)
    assert r.status_code == 404 and r.json["error"] == "VARIANT_NOT_FOUND"
    assert client.get("/api/cart", headers=guest).json["items"] == []


def test_two_sizes_of_one_product_are_two_lines_each_held_to_its_own_stock(client, guest):
    add(client, guest, JEANS, 3)  # L / Sand: all 3
    r = client.post(
        "/api/cart/items", json={"product_id": SHIRT_ID, "sku": "FM-APP-001-M-SAND", "quantity": 2}, headers=guest
    )
    assert r.status_code == 200 and lines(r.json) == {JEANS: 3, "FM-APP-001-M-SAND": 2}
    r = add(client, guest, JEANS, 1)
    assert r.status_code == 409 and r.json["details"]["sku"] == JEANS
    sold_out = {"product_id": SHIRT_ID, "sku": "FM-APP-001-XL-NAVY", "quantity": 1}
    r = client.post("/api/cart/items", json=sold_out, headers=guest)
    assert r.status_code == 409 and r.json["message"] == "Classic Linen Shirt — XL / Navy is out of stock"


def test_a_cart_line_written_before_variants_becomes_its_products_one_variant_when_the_cart_is_read(app, client, guest):
    """Carts kept a product id per line before variants; the product's single variant takes the line over."""
    store = orders_deps(app).cart_store
    store.add(guest["X-Cart-Id"], "fountain-pen", 2, limit=10)
    cart = client.get("/api/cart", headers=guest).json
    assert lines(cart) == {"FM-STA-022": 2} and cart["items"][0]["product_id"] == "fountain-pen"
    assert store.lines(guest["X-Cart-Id"]) == {"FM-STA-022": 2}
    store.add(guest["X-Cart-Id"], "classic-linen-shirt", 1, limit=10)  # now has choices: which one is not known
    assert lines(client.get("/api/cart", headers=guest).json) == {"FM-STA-022": 2}
    assert store.lines(guest["X-Cart-Id"]) == {"FM-STA-022": 2}
