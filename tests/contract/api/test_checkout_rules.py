"""Delivery options, tax rates and promo codes: seeded, edited by admins, priced into orders, and a code's uses held
exactly once under a rush."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import requests

import services.orders
import services.products
from common.auth import order_links
from common.messaging.events import make_event
from common.platform import platform_of
from services.orders.consumers import handlers
from services.orders.deps import deps as orders_deps
from tests.support.servers import serving

DE = {"name": "Grace Hopper", "line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"}
US = {"name": "Ada Lovelace", "line1": "1 Main St", "city": "Springfield", "postal_code": "12345", "country": "US"}


@pytest.fixture(scope="module")
def products_url(redis_url):
    app = services.products.create_app({"redis_url": redis_url, "run_workers": False})
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def app(service_config, products_url):
    return services.orders.create_app(service_config(urls={"products": products_url}))


@pytest.fixture(scope="module")
def prices(products_url):
    items = requests.get(f"{products_url}/api/products", params={"per_page": 100}).json()["items"]
    return {p["id"]: p["price"] for p in items}


def place(client, issuer, payload, user=None, key=None):
    headers = issuer.headers(user or uuid.uuid4().hex, **{"Idempotency-Key": key or uuid.uuid4().hex})
    return client.post("/api/orders", json=payload, headers=headers)


def order_body(address, *lines, **extra):
    return {
        "address": address,
        "lines": [{"product_id": pid, "quantity": qty} for pid, qty in lines],
        **extra,
    }


def new_code(client, admin_headers, **terms) -> str:
    code = "T" + uuid.uuid4().hex[:10].upper()
    r = client.post(
        "/api/promotions", json={"code": code, "kind": "percent", "value": 10, **terms}, headers=admin_headers
    )
    assert r.status_code == 201, r.json
    return code


def test_the_local_shop_is_seeded_with_two_options_three_rates_and_welcome10(client, admin_headers):
    options = client.get("/api/shipping", query_string={"country": "de"}).json["items"]
    assert [(o["name"], o["price"], o["free_over"]) for o in options] == [
        ("Standard", 490, 7500),
        ("Express", 1200, None),
    ]
    taxes = {t["id"]: (t["rate"], t["inclusive"]) for t in client.get("/api/tax").json["items"]}
    assert taxes == {"DE": (1900, True), "GB": (2000, True), "US": (700, False)}
    welcome = next(
        p for p in client.get("/api/promotions", headers=admin_headers).json["items"] if p["id"] == "WELCOME10"
    )
    assert (welcome["kind"], welcome["value"], welcome["min_spend"]) == ("percent", 10, 3000)


def test_a_country_no_option_serves_gets_an_empty_list_and_a_clear_refusal(client, issuer):
    assert client.get("/api/shipping", query_string={"country": "JP"}).json["items"] == []
    jp = {**US, "country": "JP"}
    r = place(client, issuer, order_body(jp, ("fountain-pen", 1)))
    assert r.status_code == 409 and r.json["error"] == "DELIVERY_UNSERVED"


def test_an_order_stores_its_breakdown_and_charges_exactly_its_total(app, client, issuer, prices):
    r = place(client, issuer, order_body(DE, ("ceramic-mug-set", 2), delivery_option="express", promo_code="welcome10"))
    assert r.status_code == 202, r.json
    b, subtotal = r.json["breakdown"], 2 * prices["ceramic-mug-set"]
    discount = round(subtotal / 10)
    assert (b["subtotal"], b["discount"], b["delivery"], b["promo_code"]) == (subtotal, discount, 1200, "WELCOME10")
    assert b["tax_inclusive"] and b["total"] == subtotal - discount + 1200 == r.json["total"]
    assert b["tax"] == sum(line["tax"] for line in b["tax_lines"]) > 0
    placed = orders_deps(app).repo.orders.find_one({"_id": r.json["id"]})["_outbox"][0]["data"]
    assert placed["payment"]["amount"] == b["total"] and placed["breakdown"]["discount"] == discount


def test_us_tax_is_added_on_top_and_a_rate_edit_never_changes_a_placed_order(client, issuer, admin_headers, prices):
    first = place(client, issuer, order_body(US, ("fountain-pen", 1), delivery_option="standard")).json
    pen = prices["fountain-pen"]
    delivery = 0 if pen >= 7500 else 490
    assert first["breakdown"]["tax"] == round(pen * 0.07) + round(delivery * 0.07)
    assert first["total"] == pen + delivery + first["breakdown"]["tax"]
    assert client.put("/api/tax/US", json={"rate": 1000, "inclusive": False}, headers=admin_headers).status_code == 200
    try:
        again = client.get(f"/api/orders/{first['id']}", headers=admin_headers).json
        assert again["breakdown"] == first["breakdown"]
    finally:
        client.put("/api/tax/US", json={"rate": 700, "inclusive": False}, headers=admin_headers)


@pytest.mark.parametrize(
    ("terms", "lines", "error"),
    [
        ({"ends_at": (datetime.now(UTC) - timedelta(days=1)).isoformat()}, 1, "PROMO_EXPIRED"),
        ({"starts_at": (datetime.now(UTC) + timedelta(days=1)).isoformat()}, 1, "PROMO_NOT_STARTED"),
        ({"usage_limit": 0}, 1, "PROMO_USED_UP"),
        ({"min_spend": 10_000_000}, 1, "PROMO_MIN_SPEND"),
    ],
)
def test_a_code_that_cannot_apply_says_why_beside_the_field(client, issuer, admin_headers, terms, lines, error):
    code = new_code(client, admin_headers, **terms)
    r = place(client, issuer, order_body(US, ("fountain-pen", lines), promo_code=code))
    assert r.status_code == 409 and r.json["error"] == error and "promo_code" in r.json["details"]


def test_an_unknown_code_is_refused_as_unknown(client, issuer):
    r = place(client, issuer, order_body(US, ("fountain-pen", 1), promo_code="NOPE123"))
    assert r.status_code == 404 and r.json["error"] == "PROMO_UNKNOWN"


def test_a_one_per_customer_code_serves_a_customer_once(client, issuer, admin_headers):
    code, user = new_code(client, admin_headers, per_customer=True), uuid.uuid4().hex
    assert place(client, issuer, order_body(US, ("fountain-pen", 1), promo_code=code), user).status_code == 202
    again = place(client, issuer, order_body(US, ("fountain-pen", 1), promo_code=code), user)
    assert again.status_code == 409 and again.json["error"] == "PROMO_ALREADY_USED"


def test_under_a_rush_a_code_with_three_uses_left_is_used_exactly_three_times(app, client, issuer, admin_headers):
    code = new_code(client, admin_headers, usage_limit=3)

    def post(_):
        with app.test_client() as c:
            return place(c, issuer, order_body(US, ("fountain-pen", 1), promo_code=code))

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(post, range(20)))
    assert sorted(r.status_code for r in results) == [202] * 3 + [409] * 17
    assert {r.json["error"] for r in results if r.status_code == 409} == {"PROMO_USED_UP"}
    used = next(p for p in client.get("/api/promotions", headers=admin_headers).json["items"] if p["id"] == code)
    assert used["used"] == 3


def test_a_rejected_order_gives_its_code_back_once(app, client, issuer, admin_headers):
    code = new_code(client, admin_headers, usage_limit=1)
    order = place(client, issuer, order_body(US, ("fountain-pen", 1), promo_code=code)).json
    on = handlers(orders_deps(app).repo, orders_deps(app).rules.promotions)
    rejected = make_event("stock.rejected", {"order_id": order["id"], "user_id": order["user_id"], "skus": []}, "t")
    on["stock.rejected"](rejected)
    on["stock.rejected"](rejected)
    used = next(p for p in client.get("/api/promotions", headers=admin_headers).json["items"] if p["id"] == code)
    assert used["used"] == 0
    assert place(client, issuer, order_body(US, ("fountain-pen", 1), promo_code=code)).status_code == 202


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/api/shipping/standard", {"name": "X", "countries": ["US"], "price": {"$ne": 1}}),
        ("/api/shipping/standard", {"name": "<script>", "countries": ["ZZ"], "price": 1}),
        ("/api/tax/US", {"rate": "7", "inclusive": False}),
        ("/api/tax/US", {"rate": 10_001, "inclusive": False}),
    ],
)
def test_bad_rule_bodies_are_refused_with_422(client, admin_headers, path, payload):
    r = client.put(path, json=payload, headers=admin_headers)
    assert r.status_code == 422 and r.json["error"] == "VALIDATION_ERROR"


def test_bad_promo_bodies_and_customers_are_refused(client, issuer, admin_headers):
    percent = client.post(
        "/api/promotions", json={"code": "TOOMUCH", "kind": "percent", "value": 150}, headers=admin_headers
    )
    injected = client.post(
        "/api/promotions", json={"code": {"$ne": ""}, "kind": "fixed", "value": 1}, headers=admin_headers
    )
    pattern = client.post("/api/promotions", json={"code": ".*", "kind": "fixed", "value": 1}, headers=admin_headers)
    assert {percent.status_code, injected.status_code, pattern.status_code} == {422}
    assert client.get("/api/promotions", headers=issuer.headers()).status_code == 403
    assert client.put("/api/tax/US", json={"rate": 0, "inclusive": False}, headers=issuer.headers()).status_code == 403
    assert client.delete("/api/shipping/%24ne", headers=admin_headers).status_code == 404
    order = order_body(US, ("fountain-pen", 1), promo_code={"$ne": ""})
    assert place(client, issuer, order).status_code == 422


def guest_cart(app, *lines) -> dict:
    """A guest cart holding these lines (written to its store: no inventory service here); its X-Cart-Id."""
    cart_id = uuid.uuid4().hex
    for pid, qty in lines:
        assert orders_deps(app).cart_store.add(cart_id, pid, qty, 99) == qty
    return {"X-Cart-Id": cart_id}


def test_the_cart_quote_prices_the_cart_with_its_options(app, client, prices):
    cart = guest_cart(app, ("fountain-pen", 2))
    body = client.post("/api/cart/quote", json={"country": "US", "promo_code": "welcome10"}, headers=cart).json
    goods = 2 * prices["fountain-pen"]
    assert body["subtotal"] == goods and body["promo_code"] == "WELCOME10" and body["discount"] == goods // 10
    assert body["total"] == body["subtotal"] - body["discount"] + body["delivery"] + body["tax"]
    assert [o["id"] for o in body["options"]] == ["standard", "express"]


def test_a_code_applied_in_the_cart_is_kept_with_it_until_removed(app, client, prices):
    cart = guest_cart(app, ("fountain-pen", 2))
    r = client.put("/api/cart/promo", json={"promo_code": " welcome10 ", "country": "DE"}, headers=cart)
    assert r.status_code == 200 and r.json["discount"] == 2 * prices["fountain-pen"] // 10
    assert client.get("/api/cart", headers=cart).json["promo_code"] == "WELCOME10"
    assert client.delete("/api/cart/promo", headers=cart).status_code == 204
    assert client.get("/api/cart", headers=cart).json["promo_code"] is None


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"promo_code": "NOSUCHCODE", "country": "US"}, 404, "PROMO_UNKNOWN"),
        ({"promo_code": {"$ne": None}, "country": "US"}, 422, "VALIDATION_ERROR"),
        ({"promo_code": ".*", "country": "US"}, 422, "VALIDATION_ERROR"),
        ({"promo_code": "WELCOME10", "country": "XX"}, 422, "VALIDATION_ERROR"),
        ({"promo_code": "WELCOME10"}, 422, "VALIDATION_ERROR"),
        ({"promo_code": "A" * 5000, "country": "US"}, 422, "VALIDATION_ERROR"),
    ],
)
def test_a_code_the_cart_cannot_take_is_refused_and_not_kept(app, client, body, status, error):
    cart = guest_cart(app, ("fountain-pen", 1))
    r = client.put("/api/cart/promo", json=body, headers=cart)
    assert r.status_code == status and r.json["error"] == error
    assert client.get("/api/cart", headers=cart).json["promo_code"] is None


def test_a_code_under_its_minimum_spend_is_refused_and_an_empty_cart_has_no_code(app, client, admin_headers):
    code = new_code(client, admin_headers, min_spend=10_000_000)
    cart = guest_cart(app, ("fountain-pen", 1))
    r = client.put("/api/cart/promo", json={"promo_code": code, "country": "US"}, headers=cart)
    assert r.status_code == 409 and r.json["details"]["promo_code"] == "min_spend"
    assert client.put("/api/cart/promo", json={"promo_code": code, "country": "US"}).status_code == 404


def test_a_guest_s_code_follows_the_cart_into_the_account_at_sign_in(app, client, issuer):
    cart = guest_cart(app, ("fountain-pen", 1))
    assert client.put("/api/cart/promo", json={"promo_code": "WELCOME10", "country": "GB"}, headers=cart).status_code
    user = issuer.headers(uuid.uuid4().hex)
    r = client.post("/api/cart/merge", headers={**user, **cart})
    assert r.status_code == 200 and r.json["promo_code"] == "WELCOME10"
    assert client.get("/api/cart", headers=cart).json["promo_code"] is None


def linked_order(app, client, issuer, email="Guest.Buyer@example.test") -> tuple[str, str]:
    """An order carrying `email`, and its signed link's token."""
    r = place(client, issuer, order_body(US, ("fountain-pen", 1)))
    assert r.status_code == 202, r.json
    orders_deps(app).repo.orders.update_one({"_id": r.json["id"]}, {"$set": {"email": email}})
    token = order_links.sign(platform_of(app).settings, r.json["id"], email)
    assert token  # a local stack signs with its fixed secret
    return r.json["id"], token


def test_a_signed_link_opens_its_order_without_an_account_and_can_cancel_it(app, client, issuer):
    order_id, token = linked_order(app, client, issuer)
    r = client.get(f"/api/orders/link/{token}")
    assert r.status_code == 200 and r.json["id"] == order_id and r.json["cancellable"] is False  # PENDING
    orders_deps(app).repo.orders.update_one({"_id": order_id}, {"$set": {"status": "CONFIRMED"}})
    assert client.get(f"/api/orders/link/{token}").json["cancellable"] is True
    r = client.post(f"/api/orders/link/{token}/cancel")
    assert r.status_code == 202 and r.json["status"] == "CANCELLED"
    assert client.post(f"/api/orders/link/{token}/cancel").status_code == 409  # as for its owner: once


def test_a_tampered_foreign_or_stale_link_is_404(app, client, issuer):
    order_id, token = linked_order(app, client, issuer)
    other_id, _ = linked_order(app, client, issuer)
    settings = platform_of(app).settings
    forged = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # the signature changed
        order_links.sign(
            settings.with_overrides(order_link_secret="another shop"), order_id, "guest.buyer@example.test"
        ),
        order_links.sign(settings, other_id, "someone.else@example.test"),  # another order's id with the wrong email
        order_links.sign(settings, "../" + order_id, "guest.buyer@example.test"),
        "x" * 5000,
        "%7B%22%24ne%22%3A1%7D",
    ]
    for bad in forged:
        assert client.get(f"/api/orders/link/{bad}").status_code == 404
        assert client.post(f"/api/orders/link/{bad}/cancel").status_code == 404
    orders_deps(app).repo.orders.update_one({"_id": order_id}, {"$set": {"email": "new@example.test"}})
    assert client.get(f"/api/orders/link/{token}").status_code == 404  # bound to the email it was sent to


def test_without_a_secret_outside_a_local_stack_no_link_is_signed_or_honoured(app):
    settings = platform_of(app).settings
    token = order_links.sign(settings, "a" * 32, "x@example.test")
    production = settings.with_overrides(local_mode=False, order_link_secret=None)
    assert token and order_links.sign(production, "a" * 32, "x@example.test") is None
    assert order_links.read(production, token) is None
    assert order_links.read(settings.with_overrides(local_mode=False, order_link_secret="s3cret"), token) is None
