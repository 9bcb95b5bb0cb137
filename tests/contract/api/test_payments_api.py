"""The payments API: no card endpoint at all; the provider's checkout for one's own order once its stock is held;
refunds for admins only, up to the captured total; one's own payments only."""

from __future__ import annotations

import threading
import uuid

import pytest

import services.payments
from common.auth import order_links
from common.messaging.events import make_event
from common.messaging.messages import PaymentRequest, StockReserved
from common.platform import platform_of
from services.payments import service
from services.payments.consumers import handlers
from services.payments.deps import deps as payments_deps
from tests.support.payflow import pay, pay_standin

CARD = {"card_number": "4242 4242 4242 4242", "exp_month": 12, "exp_year": 2099, "cvc": "123"}


@pytest.fixture(scope="module")
def provider():
    with pay_standin() as standin:
        yield standin


@pytest.fixture(scope="module")
def app(service_config, provider):
    return services.payments.create_app(service_config(**provider.settings(), shop_url="http://shop.test"))


@pytest.fixture()
def user_id():
    return uuid.uuid4().hex


def reserved(app, user_id: str, amount: int = 2500) -> str:
    """An order of `user`'s whose stock inventory has just reserved (stock.reserved reached payments)."""
    order_id = uuid.uuid4().hex
    held = StockReserved(order_id=order_id, user_id=user_id, payment=PaymentRequest(amount=amount, currency="USD"))
    service.open_payment(payments_deps(app).charges, payments_deps(app).provider, held)
    return order_id


def checkout(client, issuer, user_id, order_id):
    return client.post("/api/payments/checkouts", json={"order_id": order_id}, headers=issuer.headers(user_id))


def refund(client, issuer, order_id, amount, key=None, role="admin"):
    headers = issuer.headers("admin-1", role=role, **{"Idempotency-Key": key or uuid.uuid4().hex})
    return client.post(f"/api/payments/{order_id}/refunds", json={"amount": amount}, headers=headers)


def test_the_card_endpoint_is_gone(client, issuer, user_id):
    assert client.post("/api/payments/methods", json=CARD, headers=issuer.headers(user_id)).status_code == 404


def test_an_order_is_paid_on_the_providers_page_made_once_for_it(app, client, issuer, user_id):
    order_id = str(uuid.uuid4().hex)
    assert checkout(client, issuer, user_id, order_id).json["error"] == "PAYMENT_NOT_READY"  # stock not held yet
    order_id = reserved(app, user_id)
    first, again = checkout(client, issuer, user_id, order_id), checkout(client, issuer, user_id, order_id)
    assert first.status_code == again.status_code == 201 and first.json["url"] == again.json["url"]
    assert pay(first.json["url"]).headers["Location"] == f"http://shop.test/checkout/return?order={order_id}"
    synced = client.post(f"/api/payments/{order_id}/sync", headers=issuer.headers(user_id))  # the return page asks
    assert synced.status_code == 200 and synced.json["status"] == "authorized"
    assert [h["kind"] for h in synced.json["history"]] == ["authorized"]
    paid = checkout(client, issuer, user_id, order_id)
    assert paid.status_code == 409 and paid.json["error"] == "ALREADY_PAID"


def test_a_customer_never_pays_for_or_sees_another_customers_order(app, client, issuer, user_id):
    order_id = reserved(app, user_id)
    stranger = uuid.uuid4().hex
    assert checkout(client, issuer, stranger, order_id).json["error"] == "PAYMENT_NOT_READY"  # looks like none
    assert client.get(f"/api/payments?order_id={order_id}", headers=issuer.headers(stranger)).status_code == 404
    assert client.post(f"/api/payments/{order_id}/sync", headers=issuer.headers(stranger)).status_code == 404
    own = client.get(f"/api/payments?order_id={order_id}", headers=issuer.headers(user_id))
    assert [p["order_id"] for p in own.json["items"]] == [order_id]
    admin = client.get(f"/api/payments?order_id={order_id}", headers=issuer.headers("a", role="admin"))
    assert [p["status"] for p in admin.json["items"]] == ["awaiting"]


def test_only_an_admin_refunds_and_only_a_captured_payment(app, client, issuer, user_id):
    order_id = reserved(app, user_id)
    assert refund(client, issuer, order_id, 100, role="customer").status_code == 403
    not_shipped = refund(client, issuer, order_id, 100)
    assert not_shipped.status_code == 409 and not_shipped.json["error"] == "NOT_CAPTURED"
    assert refund(client, issuer, uuid.uuid4().hex, 100).status_code == 404


@pytest.mark.parametrize(
    "payload",
    [
        {"order_id": {"$ne": ""}},
        {"order_id": "a.*"},
        {"order_id": 12},
        {"order_id": "x" * 65},
        {"order_id": "a" * 32, "card_number": CARD["card_number"]},
        {},
        [],
        {"order_id": "a" * 32, "wait_ms": -1},
        {"order_id": "a" * 32, "wait_ms": 1001},
        {"order_id": "a" * 32, "wait_ms": "800"},
        {"order_id": "a" * 32, "wait_ms": {"$gt": 0}},
    ],
    ids=[
        "operator",
        "regex",
        "number",
        "long",
        "card smuggled",
        "empty",
        "list",
        "wait<0",
        "wait>1s",
        "wait str",
        "wait op",
    ],
)
def test_a_bad_checkout_body_is_a_4xx_json_error(client, issuer, user_id, payload):
    answer = client.post("/api/payments/checkouts", json=payload, headers=issuer.headers(user_id))
    assert 400 <= answer.status_code < 500 and answer.json["error"]
    assert "4242" not in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    ("payload", "key"),
    [
        ({"amount": 0}, "refund-key-1"),
        ({"amount": -5}, "refund-key-1"),
        ({"amount": "5"}, "refund-key-1"),
        ({"amount": 1.5}, "refund-key-1"),
        ({"amount": {"$gt": 0}}, "refund-key-1"),
        ({"amount": 10**12}, "refund-key-1"),
        ({"amount": 5}, "a.b.c.d.e"),  # a dot would name a nested field of the payment document
        ({"amount": 5}, "$where-key"),
        ({"amount": 5}, ""),
    ],
)
def test_a_bad_refund_is_a_4xx_json_error(app, client, issuer, user_id, payload, key):
    order_id = reserved(app, user_id)
    headers = issuer.headers("admin-1", role="admin", **({"Idempotency-Key": key} if key else {}))
    answer = client.post(f"/api/payments/{order_id}/refunds", json=payload, headers=headers)
    assert 400 <= answer.status_code < 500 and answer.json["error"]
    assert payments_deps(app).charges.get(order_id)["refunded"] == 0


def test_a_checkout_asked_before_the_stock_is_held_answers_once_the_payment_opens(app, client, issuer, user_id):
    order_id = uuid.uuid4().hex
    assert checkout(client, issuer, user_id, order_id).json["error"] == "PAYMENT_NOT_READY"  # not held yet
    d = payments_deps(app)
    on = handlers(d.charges, d.provider, d.metrics, d.openings)
    held = StockReserved(order_id=order_id, user_id=user_id, payment=PaymentRequest(amount=2500, currency="USD"))
    later = threading.Timer(0.1, on[StockReserved.TOPIC], [make_event(StockReserved.TOPIC, held.model_dump(), "inv")])
    later.start()  # the saga holds the stock while the request waits
    try:
        body = {"order_id": order_id, "wait_ms": 1000}
        page = client.post("/api/payments/checkouts", json=body, headers=issuer.headers(user_id))
    finally:
        later.join()
    assert page.status_code == 201 and page.json["url"].startswith("http")


def test_a_checkout_that_waits_in_vain_is_still_not_ready(client, issuer, user_id):
    body = {"order_id": uuid.uuid4().hex, "wait_ms": 150}
    r = client.post("/api/payments/checkouts", json=body, headers=issuer.headers(user_id))
    assert r.status_code == 409 and r.json["error"] == "PAYMENT_NOT_READY"


def test_paying_needs_a_signed_in_customer_or_the_orders_link(client):
    assert client.post("/api/payments/checkouts", json={"order_id": "a" * 32}).status_code == 401
    assert client.get("/api/payments").status_code == 401


def guest_reserved(app, email: str) -> tuple[str, str]:
    """A guest's order whose stock is held, and its signed link (as the orders API answered placing it)."""
    order_id = uuid.uuid4().hex
    held = StockReserved(
        order_id=order_id, user_id=None, email=email, payment=PaymentRequest(amount=1800, currency="USD")
    )
    service.open_payment(payments_deps(app).charges, payments_deps(app).provider, held)
    link = order_links.sign(platform_of(app).settings, order_id, email)
    assert link, "a local stack signs order links"
    return order_id, link


def test_a_guest_pays_and_follows_their_order_by_its_link_and_only_that_order(app, client, issuer):
    order_id, link = guest_reserved(app, "guest@example.com")
    headers = {"X-Order-Link": link}
    page = client.post("/api/payments/checkouts", json={"order_id": order_id}, headers=headers)
    assert page.status_code == 201
    pay(page.json["url"])
    synced = client.post(f"/api/payments/{order_id}/sync", headers=headers)
    assert synced.status_code == 200 and synced.json["status"] == "authorized"
    listed = client.get("/api/payments", headers=headers)
    assert [p["order_id"] for p in listed.json["items"]] == [order_id]
    other_id, _ = guest_reserved(app, "guest@example.com")
    assert client.post("/api/payments/checkouts", json={"order_id": other_id}, headers=headers).status_code == 409
    assert client.post(f"/api/payments/{other_id}/sync", headers=headers).status_code == 404
    assert client.get(f"/api/payments?order_id={other_id}", headers=headers).status_code == 404
    # A customer's token does not open a guest's payment either.
    assert client.post(f"/api/payments/{order_id}/sync", headers=issuer.headers(uuid.uuid4().hex)).status_code == 404


@pytest.mark.parametrize(
    "link",
    ["", "tampered.token.value", "x" * 401, '{"$ne": null}', "<script>alert(1)</script>", "bad link with spaces"],
)
def test_a_tampered_or_foreign_order_link_finds_nothing(app, client, link):
    order_id, real = guest_reserved(app, "someone@example.com")
    forged = real[:-2] + ("AA" if not real.endswith("AA") else "BB")
    for bad in (link, forged, order_links.sign(platform_of(app).settings, order_id, "other@example.com")):
        headers = {"X-Order-Link": bad}
        r = client.post("/api/payments/checkouts", json={"order_id": order_id}, headers=headers)
        assert r.status_code in (404, 409) and r.is_json and r.json["error"] != "ALREADY_PAID", bad
        assert client.post(f"/api/payments/{order_id}/sync", headers=headers).status_code == 404


def test_a_malformed_order_id_query_is_422(client, issuer, user_id):
    answer = client.get("/api/payments?order_id=%7B%22%24ne%22%3A1%7D", headers=issuer.headers(user_id))
    assert answer.status_code == 422


def test_a_guests_payments_join_the_account_that_confirms_their_email(app, client, issuer):
    email, user = f"claim-{uuid.uuid4().hex[:8]}@example.com", uuid.uuid4().hex
    order_id, _ = guest_reserved(app, email)
    assert client.get("/api/payments", headers=issuer.headers(user)).json["items"] == []
    on = handlers(payments_deps(app).charges, payments_deps(app).provider)
    on["account.email_verified"](make_event("account.email_verified", {"user_id": user, "email": email}, "auth"))
    assert [p["order_id"] for p in client.get("/api/payments", headers=issuer.headers(user)).json["items"]] == [
        order_id
    ]
