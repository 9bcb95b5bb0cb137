"""The orders API: placing with an Idempotency-Key, reading own orders, cancelling, shipping (admin)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

import services.orders
import services.products
from common.auth import order_links
from common.messaging.events import make_event
from common.platform import platform_of
from services.orders import states
from services.orders.cart_store import new_guest_id, user_cart_id
from services.orders.consumers import handlers
from services.orders.deps import deps as orders_deps
from tests.support.servers import serving

ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "12 Analytical Row",
    "city": "London",
    "postal_code": "N1 9GU",
    "country": "GB",
}


@pytest.fixture(scope="module")
def products_url(redis_url):
    app = services.products.create_app({"redis_url": redis_url, "run_workers": False})
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def app(service_config, products_url):
    return services.orders.create_app(service_config(urls={"products": products_url}))


@pytest.fixture(scope="module")
def catalog(products_url):
    return {p["id"]: p for p in requests.get(f"{products_url}/api/products", params={"per_page": 100}).json()["items"]}


@pytest.fixture()
def user_id(issuer):
    return uuid.uuid4().hex


def body(*lines, address=ADDRESS):
    return {
        "address": address,
        "lines": [{"product_id": pid, "quantity": qty} for pid, qty in lines],
    }


def place(client, issuer, user_id, payload, key=None):
    headers = issuer.headers(user_id, **{"Idempotency-Key": key or uuid.uuid4().hex})
    return client.post("/api/orders", json=payload, headers=headers)


def test_placing_an_order_returns_202_with_a_pending_order_priced_from_the_catalog(client, issuer, user_id, catalog):
    r = place(client, issuer, user_id, body(("ceramic-mug-set", 2), ("fountain-pen", 1)))
    assert r.status_code == 202, r.json
    order = r.json
    assert order["status"] == states.PENDING and r.headers["Location"] == f"/api/orders/{order['id']}"
    shirt, pen = catalog["ceramic-mug-set"], catalog["fountain-pen"]
    assert [(ln["product_id"], ln["sku"], ln["unit_price"], ln["quantity"]) for ln in order["lines"]] == [
        ("ceramic-mug-set", shirt["sku"], shirt["price"], 2),
        ("fountain-pen", pen["sku"], pen["price"], 1),
    ]
    assert order["total"] == 2 * shirt["price"] + pen["price"] and order["currency"] == "USD"
    assert order["address"] == ADDRESS and [t["status"] for t in order["timeline"]] == ["PENDING"]
    assert "payment_token" not in order and "idem" not in order


def test_the_order_and_its_order_placed_event_are_one_document(app, client, issuer, user_id):
    r = place(client, issuer, user_id, body(("wireless-mouse", 1)))
    doc = orders_deps(app).repo.orders.find_one({"_id": r.json["id"]})
    (event,) = doc["_outbox"]
    assert event["type"] == "order.placed" and event["source"] == "orders"
    assert set(event) == {"event_id", "type", "version", "occurred_at", "source", "correlation_id", "data"}
    data = event["data"]
    assert data["order_id"] == doc["_id"] and data["user_id"] == user_id
    assert data["payment"] == {"amount": doc["total"], "currency": "USD"}  # no card: paid on the provider's page
    assert [ln["sku"] for ln in data["lines"]] == [doc["lines"][0]["sku"]]


def test_the_same_key_returns_the_same_order_and_never_a_second(app, client, issuer, user_id):
    key, payload = uuid.uuid4().hex, body(("ceramic-mug-set", 1))
    first = place(client, issuer, user_id, payload, key)
    again = place(client, issuer, user_id, payload, key)
    assert first.status_code == again.status_code == 202
    assert again.json["id"] == first.json["id"] and again.headers["Idempotent-Replayed"] == "true"
    assert orders_deps(app).repo.orders.count_documents({"user_id": user_id}) == 1


def test_a_different_body_with_the_same_key_is_409(client, issuer, user_id):
    key = uuid.uuid4().hex
    assert place(client, issuer, user_id, body(("ceramic-mug-set", 1)), key).status_code == 202
    r = place(client, issuer, user_id, body(("ceramic-mug-set", 2)), key)
    assert r.status_code == 409 and r.json["error"] == "IDEMPOTENCY_KEY_REUSED"


def test_two_customers_may_use_the_same_key_for_their_own_orders(client, issuer):
    key = uuid.uuid4().hex
    a = place(client, issuer, uuid.uuid4().hex, body(("weekly-planner", 1)), key)
    b = place(client, issuer, uuid.uuid4().hex, body(("weekly-planner", 1)), key)
    assert a.status_code == b.status_code == 202 and a.json["id"] != b.json["id"]


def test_concurrent_requests_with_one_key_make_one_order(app, issuer, user_id):
    key, payload = uuid.uuid4().hex, body(("hardcover-notebook", 1))

    def post(_):
        with app.test_client() as c:
            return place(c, issuer, user_id, payload, key)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(post, range(8)))
    assert {r.status_code for r in results} == {202}
    assert len({r.json["id"] for r in results}) == 1
    assert orders_deps(app).repo.orders.count_documents({"user_id": user_id}) == 1


@pytest.mark.parametrize(
    ("key", "code"),
    [
        (None, "IDEMPOTENCY_KEY_REQUIRED"),
        ("short", "INVALID_IDEMPOTENCY_KEY"),
        ("x" * 101, "INVALID_IDEMPOTENCY_KEY"),
        ("bad key with spaces", "INVALID_IDEMPOTENCY_KEY"),
    ],
)
def test_a_missing_or_malformed_idempotency_key_is_400(client, issuer, user_id, key, code):
    headers = issuer.headers(user_id, **({"Idempotency-Key": key} if key else {}))
    r = client.post("/api/orders", json=body(("fountain-pen", 1)), headers=headers)
    assert r.status_code == 400 and r.json["error"] == code


def test_placing_an_order_needs_a_signed_in_customer_or_a_guests_email(client):
    r = client.post("/api/orders", json=body(("fountain-pen", 1)), headers={"Idempotency-Key": uuid.uuid4().hex})
    assert r.status_code == 422 and r.json["error"] == "EMAIL_REQUIRED" and "email" in r.json["details"]["fields"]
    r = client.post(
        "/api/orders",
        json=body(("fountain-pen", 1)),
        headers={"Idempotency-Key": uuid.uuid4().hex, "Authorization": "Bearer forged.token.here"},
    )
    assert r.status_code == 401


@pytest.mark.parametrize(
    "payload",
    [
        body(("fountain-pen", 0)),
        body(("fountain-pen", -1)),
        body(("fountain-pen", 100)),
        {**body(("fountain-pen", 1)), "lines": [{"product_id": {"$ne": ""}, "quantity": 1}]},
        {**body(("fountain-pen", 1)), "lines": [{"product_id": "fountain-pen", "quantity": "2"}]},
        {**body(("fountain-pen", 1)), "lines": [{"product_id": "fountain-pen", "quantity": 1.5}]},
        {**body(("fountain-pen", 1)), "lines": []},
        {**body(("fountain-pen", 1)), "lines": [{"product_id": "fountain-pen", "quantity": 1}] * 51},
        {**body(("fountain-pen", 1)), "payment_token": {"$gt": ""}},
        {**body(("fountain-pen", 1)), "payment_token": "tok_visa"},
        {**body(("fountain-pen", 1)), "user_id": "someone-else"},
        {**body(("fountain-pen", 1)), "total": 1},
        body(("fountain-pen", 1), address={**ADDRESS, "name": "x" * 101}),
        body(("fountain-pen", 1), address={**ADDRESS, "postal_code": "<script>"}),
        body(("fountain-pen", 1), address={k: v for k, v in ADDRESS.items() if k != "city"}),
        body(("fountain-pen", 1), address={**ADDRESS, "city": {"$where": "1"}}),
        body(("a" * 65, 1)),
    ],
)
def test_bad_bodies_are_422_never_500(client, issuer, user_id, payload):
    r = place(client, issuer, user_id, payload)
    assert r.status_code == 422 and r.json["error"] == "VALIDATION_ERROR"


def test_an_unknown_country_code_is_refused_naming_the_code(client, issuer, user_id):
    r = place(client, issuer, user_id, body(("fountain-pen", 1), address={**ADDRESS, "country": "XX"}))
    assert r.status_code == 422 and "'XX' is not an ISO 3166-1 alpha-2" in str(r.json["details"]["fields"])


@pytest.mark.parametrize("raw", [b"not json", b"[]", b'"text"', b"null"])
def test_a_body_that_is_not_a_json_object_is_400(client, issuer, user_id, raw):
    headers = issuer.headers(user_id, **{"Idempotency-Key": uuid.uuid4().hex, "Content-Type": "application/json"})
    r = client.post("/api/orders", data=raw, headers=headers)
    assert r.status_code == 400 and r.json["error"] == "INVALID_JSON"


def test_an_unknown_product_is_422(client, issuer, user_id):
    r = place(client, issuer, user_id, body(("no-such-product", 1)))
    assert r.status_code == 409 and r.json["error"] == "UNKNOWN_PRODUCT"
    assert r.json["details"]["products"] == ["no-such-product"]


def test_lines_of_one_product_are_merged_and_capped_at_99(client, issuer, user_id):
    r = place(client, issuer, user_id, body(("fountain-pen", 1), ("fountain-pen", 2)))
    assert [(ln["product_id"], ln["quantity"]) for ln in r.json["lines"]] == [("fountain-pen", 3)]
    r = place(client, issuer, user_id, body(("fountain-pen", 60), ("fountain-pen", 60)))
    assert r.status_code == 422 and r.json["error"] == "QUANTITY_TOO_LARGE"


def test_without_lines_the_order_takes_the_cart_and_an_empty_cart_is_422(client, issuer, user_id):
    payload = {"address": ADDRESS}
    r = place(client, issuer, user_id, payload)
    assert r.status_code == 409 and r.json["error"] == "CART_EMPTY"


def test_a_customer_sees_their_own_orders_and_no_one_elses(client, issuer, user_id):
    mine = [place(client, issuer, user_id, body(("fountain-pen", n))).json["id"] for n in (1, 2)]
    other = place(client, issuer, uuid.uuid4().hex, body(("fountain-pen", 1))).json["id"]
    listed = client.get("/api/orders", headers=issuer.headers(user_id)).json
    assert [o["id"] for o in listed["items"]] == mine[::-1] and listed["total"] == 2
    assert client.get(f"/api/orders/{mine[0]}", headers=issuer.headers(user_id)).status_code == 200
    r = client.get(f"/api/orders/{other}", headers=issuer.headers(user_id))
    assert r.status_code == 404 and r.json["error"] == "NOT_FOUND"
    assert client.get(f"/api/orders/{other}", headers=issuer.headers(role="admin")).status_code == 200


@pytest.mark.parametrize("query", ["per_page=0", "per_page=10000", "page=0", "page=x"])
def test_bad_paging_is_422(client, issuer, user_id, query):
    assert client.get(f"/api/orders?{query}", headers=issuer.headers(user_id)).status_code == 422


def test_an_unknown_or_malformed_order_id_is_404(client, issuer, user_id):
    assert client.get(f"/api/orders/{uuid.uuid4().hex}", headers=issuer.headers(user_id)).status_code == 404
    assert client.get("/api/orders/%24ne", headers=issuer.headers(user_id)).status_code == 404


def _event(type_, **data):
    return make_event(type_, data, "test")


def test_a_customer_cancels_an_unshipped_order_and_the_event_says_whether_it_was_paid(app, client, issuer, user_id):
    repo, on = orders_deps(app).repo, handlers(orders_deps(app).repo)
    oid = place(client, issuer, user_id, body(("fountain-pen", 1))).json["id"]
    r = client.post(f"/api/orders/{oid}/cancel", headers=issuer.headers(user_id))
    assert r.status_code == 409 and r.json["error"] == "ORDER_NOT_CANCELLABLE"  # PENDING: the saga is deciding
    on["payment.succeeded"](_event("payment.succeeded", order_id=oid, charge_id="ch_1", brand="visa", last4="4242"))
    assert client.post(f"/api/orders/{oid}/cancel", headers=issuer.headers(uuid.uuid4().hex)).status_code == 404
    r = client.post(f"/api/orders/{oid}/cancel", headers=issuer.headers(user_id))
    assert r.status_code == 202 and r.json["status"] == "CANCELLED" and r.json["reason"] == "customer"
    cancelled = [e for e in repo.orders.find_one({"_id": oid})["_outbox"] if e["type"] == "order.cancelled"]
    assert len(cancelled) == 1 and cancelled[0]["data"]["paid"] is True
    assert cancelled[0]["data"]["previous_status"] == "CONFIRMED"
    r = client.post(f"/api/orders/{oid}/cancel", headers=issuer.headers(user_id))
    assert r.status_code == 409


def test_only_admins_ship_and_deliver_and_only_in_order(app, client, issuer, user_id):
    on = handlers(orders_deps(app).repo)
    oid = place(client, issuer, user_id, body(("fountain-pen", 1))).json["id"]
    admin = issuer.headers(role="admin")
    assert client.post(f"/api/orders/{oid}/ship", headers=issuer.headers(user_id)).status_code == 403
    r = client.post(f"/api/orders/{oid}/ship", headers=admin)
    assert r.status_code == 409 and r.json["error"] == "ILLEGAL_TRANSITION"
    on["payment.succeeded"](_event("payment.succeeded", order_id=oid, charge_id="ch_2", brand="visa", last4="4242"))
    assert client.post(f"/api/orders/{oid}/deliver", headers=admin).status_code == 409
    assert client.post(f"/api/orders/{oid}/ship", headers=admin).json["status"] == "SHIPPED"
    r = client.post(f"/api/orders/{oid}/cancel", headers=issuer.headers(user_id))
    assert r.status_code == 409  # shipped: too late to cancel
    assert client.post(f"/api/orders/{oid}/deliver", headers=admin).json["status"] == "DELIVERED"
    assert client.post(f"/api/orders/{oid}/deliver", headers=admin).status_code == 409
    assert client.post(f"/api/orders/{uuid.uuid4().hex}/ship", headers=admin).status_code == 404


def test_the_openapi_document_describes_the_order_body(client):
    doc = client.get("/openapi.json").json
    post = doc["paths"]["/api/orders"]["post"]
    ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert "address" in doc["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
    assert {"post"} <= set(doc["paths"]["/api/orders/{order_id}/cancel"])


def test_without_lines_the_order_takes_the_cart_which_empties_once_the_order_is_paid(app, client, issuer, user_id):
    store = orders_deps(app).cart.store
    store.add(user_cart_id(user_id), "FM-STA-022", 2, 99)  # the fountain pen's one variant
    store.add(user_cart_id(user_id), "FM-STA-024", 1, 99)  # the weekly planner's
    r = place(client, issuer, user_id, {"address": ADDRESS})
    assert r.status_code == 202
    assert sorted((ln["product_id"], ln["quantity"]) for ln in r.json["lines"]) == [
        ("fountain-pen", 2),
        ("weekly-planner", 1),
    ]
    assert store.lines(user_cart_id(user_id)) == {"FM-STA-022": 2, "FM-STA-024": 1}  # not paid yet: kept
    on = handlers(orders_deps(app).repo, None, orders_deps(app).cart)
    for topic in ("stock.reserved", "payment.succeeded"):
        on[topic](make_event(topic, {"order_id": r.json["id"], "user_id": user_id}, "test"))
    assert store.lines(user_cart_id(user_id)) == {}


def guest_place(client, payload, key=None, cart_id=None):
    headers = {"Idempotency-Key": key or uuid.uuid4().hex, **({"X-Cart-Id": cart_id} if cart_id else {})}
    return client.post("/api/orders", json=payload, headers=headers)


def test_a_guest_places_an_order_with_an_email_and_gets_its_signed_link(app, client, issuer):
    email = f"guest-{uuid.uuid4().hex[:8]}@example.com"
    r = guest_place(client, {**body(("fountain-pen", 1)), "email": email.upper()})
    assert r.status_code == 202, r.json
    order = r.json
    assert order["user_id"] is None and order["email"] == email and order["address"] == ADDRESS
    assert order_links.read(platform_of(app).settings, order["link"]) == (order["id"], email)
    assert client.get(f"/api/orders/link/{order['link']}").json["id"] == order["id"]
    assert client.get(f"/api/orders/{order['id']}").status_code == 401  # no account: only the link opens it
    someone = uuid.uuid4().hex
    assert client.get(f"/api/orders/{order['id']}", headers=issuer.headers(someone)).status_code == 404
    placed = orders_deps(app).repo.orders.find_one({"_id": order["id"]})
    assert placed["_outbox"][0]["data"]["email"] == email  # every notice of the order reaches the guest


@pytest.mark.parametrize("line", ["FM-STA-024", "weekly-planner"], ids=["variant", "cart-written-before-variants"])
def test_a_guests_order_takes_the_cart_its_browser_names_which_empties_once_paid(app, client, line):
    """A cart line names a variant by SKU; one written before variants names the product, and still orders."""
    store, cart_id = orders_deps(app).cart.store, new_guest_id()
    store.add(cart_id, line, 2, 99)
    r = guest_place(client, {"address": ADDRESS, "email": "cart-guest@example.com"}, cart_id=cart_id)
    assert r.status_code == 202 and [(ln["product_id"], ln["quantity"]) for ln in r.json["lines"]] == [
        ("weekly-planner", 2)
    ]
    assert "cart_id" not in r.json
    on = handlers(orders_deps(app).repo, None, orders_deps(app).cart)
    for topic in ("stock.reserved", "payment.succeeded"):
        on[topic](make_event(topic, {"order_id": r.json["id"], "user_id": None}, "test"))
    assert orders_deps(app).repo.get(r.json["id"])["status"] == states.CONFIRMED
    assert store.lines(cart_id) == {}


def test_a_guest_without_a_cart_or_lines_has_nothing_to_order(client):
    r = guest_place(client, {"address": ADDRESS, "email": "nocart@example.com"})
    assert r.status_code == 409 and r.json["error"] == "CART_EMPTY"
    r = guest_place(client, {"address": ADDRESS, "email": "nocart@example.com"}, cart_id="not-a-cart")
    assert r.status_code == 400 and r.json["error"] == "INVALID_CART_ID"


def test_a_guests_key_returns_the_same_order_and_another_guest_may_use_it_too(client):
    key, payload = uuid.uuid4().hex, body(("fountain-pen", 1))
    first = guest_place(client, {**payload, "email": "one@example.com"}, key)
    again = guest_place(client, {**payload, "email": "one@example.com"}, key)
    other = guest_place(client, {**payload, "email": "two@example.com"}, key)
    assert first.status_code == again.status_code == other.status_code == 202
    assert again.json["id"] == first.json["id"] and again.headers["Idempotent-Replayed"] == "true"
    assert again.json["link"] == first.json["link"] and other.json["id"] != first.json["id"]


@pytest.mark.parametrize(
    "email",
    [
        "",
        "not-an-email",
        "a@",
        "<script>alert(1)</script>@example.com",
        "x" * 250 + "@example.com",
        7,
        ["a@b.c"],
        {"$ne": None},
        {"$regex": ".*"},
    ],
)
def test_a_guests_email_must_be_an_email(client, email):
    r = guest_place(client, {**body(("fountain-pen", 1)), "email": email})
    assert r.status_code == 422 and r.is_json and "email" in str(r.json["details"])


def test_a_signed_in_customers_order_is_theirs_whatever_email_the_body_names(client, issuer, user_id):
    r = place(client, issuer, user_id, {**body(("fountain-pen", 1)), "email": "someone-else@example.com"})
    assert r.status_code == 202 and r.json["user_id"] == user_id and r.json["email"] != "someone-else@example.com"
    assert r.json.get("link") is None


def test_a_guests_orders_join_the_account_that_confirms_their_email_and_only_those(app, client, issuer):
    email, other = f"claim-{uuid.uuid4().hex[:8]}@example.com", f"other-{uuid.uuid4().hex[:8]}@example.com"
    mine = [guest_place(client, {**body(("fountain-pen", 1)), "email": email}).json["id"] for _ in range(2)]
    theirs = guest_place(client, {**body(("fountain-pen", 1)), "email": other}).json["id"]
    user = uuid.uuid4().hex
    assert client.get("/api/orders", headers=issuer.headers(user)).json["items"] == []  # not before it is confirmed
    on = handlers(orders_deps(app).repo, None, orders_deps(app).cart)
    verified = make_event("account.email_verified", {"user_id": user, "email": email}, "auth")
    on["account.email_verified"](verified)
    on["account.email_verified"](verified)  # a replay finds nothing more to move
    listed = client.get("/api/orders", headers=issuer.headers(user)).json["items"]
    assert sorted(o["id"] for o in listed) == sorted(mine)
    assert client.get(f"/api/orders/{mine[0]}", headers=issuer.headers(user)).status_code == 200
    assert orders_deps(app).repo.get(theirs)["user_id"] is None
    stranger = make_event("account.email_verified", {"user_id": uuid.uuid4().hex, "email": email}, "auth")
    on["account.email_verified"](stranger)  # an order belongs to one account: the first to confirm keeps it
    assert {orders_deps(app).repo.get(oid)["user_id"] for oid in mine} == {user}
