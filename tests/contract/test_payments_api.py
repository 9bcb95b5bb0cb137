"""The payments API: tokenise a card (the number is never stored, logged or echoed) and read own payments."""

from __future__ import annotations

import json
import logging
import re
import uuid

import pytest

import services.payments
from common.messages import StockReserved
from common.mongo import get_database
from services.payments import service
from services.payments.deps import deps as payments_deps

CARD = {"card_number": "4242 4242 4242 4242", "exp_month": 12, "exp_year": 2099, "cvc": "123"}
DIGITS = "4242424242424242"


@pytest.fixture(scope="module")
def app(service_config):
    return services.payments.create_app(service_config())


@pytest.fixture()
def user():
    return uuid.uuid4().hex


def holds(text: str, digits: str) -> bool:
    """Whether `text` holds `digits` as a run of its own, not inside a longer number (a float such as
    0.6040000000000001 in a driver's timing log is not a card number)."""
    return re.search(rf"(?<!\d){digits}", text) is not None


def every_stored_value(app) -> str:
    db = get_database(app)
    return json.dumps({name: list(db[name].find({})) for name in db.list_collection_names()}, default=str)


def test_tokenising_a_card_returns_a_token_brand_and_last4_only(client, issuer, user):
    r = client.post("/api/payments/methods", json=CARD, headers=issuer.headers(user))
    assert r.status_code == 201
    assert set(r.json) == {"token", "brand", "last4", "exp_month", "exp_year"}
    assert r.json["brand"] == "visa" and r.json["last4"] == "4242" and r.json["token"].startswith("pm_")
    assert DIGITS[:12] not in r.get_data(as_text=True)


@pytest.mark.parametrize(
    "number", ["4242424242424242", "4000000000000002", "4000000000009995", "4000000000000119", "4242424242424241"]
)
def test_the_card_number_is_never_stored_logged_or_echoed(app, client, issuer, user, caplog, number):
    caplog.set_level(logging.DEBUG)
    r = client.post("/api/payments/methods", json={**CARD, "card_number": number}, headers=issuer.headers(user))
    assert r.status_code in (201, 422)
    secret = number[:12]  # everything but the last four, which may be shown
    assert not holds(r.get_data(as_text=True), secret)
    assert not holds(every_stored_value(app), secret)
    logged = "\n".join(json.dumps(rec.__dict__, default=str) + rec.getMessage() for rec in caplog.records)
    assert caplog.records and not holds(logged, secret)


def test_the_payment_a_charge_leaves_holds_no_card_number(app, client, issuer, user):
    token = client.post("/api/payments/methods", json=CARD, headers=issuer.headers(user)).json["token"]
    deps = payments_deps(app)
    data = {
        "order_id": uuid.uuid4().hex,
        "user_id": user,
        "payment": {"token": token, "amount": 990, "currency": "USD"},
    }
    service.charge_order(deps.charges, deps.methods, deps.processor, StockReserved.model_validate(data))
    assert DIGITS[:12] not in every_stored_value(app)
    r = client.get(f"/api/payments?order_id={data['order_id']}", headers=issuer.headers(user))
    assert r.status_code == 200
    (payment,) = r.json["items"]
    assert payment["status"] == "succeeded" and payment["amount"] == 990 and payment["last4"] == "4242"
    assert "method" not in payment and "card_ref" not in json.dumps(r.json)


def test_a_customer_never_sees_another_customers_payment(app, client, issuer, user):
    token = client.post("/api/payments/methods", json=CARD, headers=issuer.headers(user)).json["token"]
    deps, order_id = payments_deps(app), uuid.uuid4().hex
    service.charge_order(
        deps.charges,
        deps.methods,
        deps.processor,
        StockReserved.model_validate(
            {"order_id": order_id, "user_id": user, "payment": {"token": token, "amount": 100, "currency": "USD"}}
        ),
    )
    r = client.get(f"/api/payments?order_id={order_id}", headers=issuer.headers(uuid.uuid4().hex))
    assert r.status_code == 404
    assert client.get("/api/payments", headers=issuer.headers(uuid.uuid4().hex)).json["items"] == []
    r = client.get(f"/api/payments?order_id={order_id}", headers=issuer.headers(role="admin"))
    assert [p["order_id"] for p in r.json["items"]] == [order_id]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"card_number": "4242424242424241"}, "card_number"),
        ({"exp_month": 1, "exp_year": 2001}, "exp"),
        ({"cvc": "1234"}, "cvc"),
    ],
)
def test_an_unacceptable_card_is_422_with_the_field_named(client, issuer, user, change, field):
    r = client.post("/api/payments/methods", json={**CARD, **change}, headers=issuer.headers(user))
    assert r.status_code == 422 and r.json["error"] == "CARD_INVALID" and field in r.json["details"]["fields"]


@pytest.mark.parametrize(
    "payload",
    [
        {**CARD, "card_number": 4242424242424242},
        {**CARD, "card_number": {"$ne": ""}},
        {**CARD, "card_number": "4242-abcd-4242-4242"},
        {**CARD, "card_number": "4" * 40},
        {**CARD, "exp_month": 13},
        {**CARD, "exp_month": "12"},
        {**CARD, "cvc": 123},
        {**CARD, "cvc": "12a"},
        {**CARD, "user_id": "someone"},
        {k: v for k, v in CARD.items() if k != "cvc"},
    ],
)
def test_bad_bodies_are_422_and_never_quote_the_number(client, issuer, user, payload):
    r = client.post("/api/payments/methods", json=payload, headers=issuer.headers(user))
    assert r.status_code == 422 and r.json["error"] == "VALIDATION_ERROR"
    assert "4242424242" not in r.get_data(as_text=True)


def test_tokenising_needs_a_signed_in_customer(client):
    assert client.post("/api/payments/methods", json=CARD).status_code == 401


def test_a_malformed_order_id_query_is_422(client, issuer, user):
    r = client.get("/api/payments?order_id=%7B%22%24ne%22%3A1%7D", headers=issuer.headers(user))
    assert r.status_code == 422
