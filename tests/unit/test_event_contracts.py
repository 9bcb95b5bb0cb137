"""The events' payloads between producer and consumer: one class per topic, every producer's event parses in it
with the field names pinned below, and a missing or mistyped field is refused, so the runner dead-letters it."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from functools import partial
from types import SimpleNamespace

import pytest
import redis
from flask import Flask, g
from pydantic import ValidationError

from common.auth.identity import Identity
from common.messaging import messages as m
from common.messaging.events import Event
from common.messaging.kafka import ConsumerRunner
from common.mongo.audit import admin_action
from common.mongo.database import written
from common.mongo.indexes import create_indexes
from services.auth import deletion, email_change, resets
from services.auth import service as auth
from services.auth.passwords import Passwords
from services.auth.ratelimit import RateLimiter
from services.auth.repository import AccountRepository
from services.auth.resets import ResetRepository
from services.auth.roles import Roles
from services.inventory import consumers as inventory_consumers
from services.inventory import reservations as rs
from services.inventory import service as inventory
from services.inventory.indexes import INDEXES as INVENTORY_INDEXES
from services.inventory.repository import StockRepository
from services.inventory.reservation_store import ReservationRepository
from services.orders import service as orders
from services.orders import states
from services.orders.indexes import INDEXES as ORDER_INDEXES
from services.orders.repository import OrderRepository
from services.orders.watchdog import redrive_event
from services.payments import service as payments
from services.payments.repository import ChargeRepository
from services.payments.stripe_adapter import StripeProcessor
from services.products import service as products
from tests.support.databases import database_client
from tests.support.payflow import authenticate, pay, pay_standin
from tests.support.publishers import RecordingPublisher

DESIGN_TOPICS = {
    "admin.action",
    "user.registered",
    "account.password_reset",
    "account.email_change_requested",
    "account.email_changed",
    "account.deleted",
    "product.changed",
    "order.placed",
    "stock.reserved",
    "stock.rejected",
    "stock.released",
    "stock.low",
    "stock.changed",
    "payment.succeeded",
    "payment.failed",
    "payment.refunded",
    "payment.captured",
    "payment.voided",
    "order.confirmed",
    "order.cancelled",
    "order.shipped",
    "order.delivered",
}
SUMMARY = {
    "order_id",
    "user_id",
    "email",
    "name",
    "phone",
    "total",
    "currency",
    "lines",
    "breakdown",
    "shipment",
}  # breakdown, shipment: issue 20
PAID = {"order_id", "user_id", "email", "name", "amount", "currency", "brand", "last4"}
ANSWER = {"order_id", "lines"}
# The field names on the wire, as the producers wrote them before the classes existed: events already in outboxes
# and on the broker must keep parsing, so a change here is a change of contract.
PINNED: dict[type[m.Message], set[str]] = {
    m.UserRegistered: {"user_id", "email", "name", "role", "registered_at"},
    m.PasswordResetRequested: {"user_id", "email", "name", "reset_url", "expires_at"},
    m.EmailChangeRequested: {"user_id", "new_email", "name", "confirm_url", "expires_at"},
    m.EmailChanged: {"user_id", "old_email", "new_email", "email_verified", "version", "changed_at", "undone", "name"}
    | {"undo_url", "undo_expires_at"},
    m.AccountDeleted: {"user_id", "deleted_at"},
    m.ProductChanged: {"action", "id", "sku", "name", "price", "currency", "category", "initial_stock", "variants"},
    m.OrderPlaced: SUMMARY | {"payment", "redrive"},
    m.OrderConfirmed: SUMMARY | {"payment"},
    m.OrderCancelled: SUMMARY | {"reason", "reason_text", "previous_status", "paid"},
    m.OrderShipped: SUMMARY,
    m.OrderDelivered: SUMMARY,
    m.StockReserved: ANSWER | {"expires_at", "user_id", "email", "name", "payment", "redrive"},
    m.StockRejected: ANSWER | {"skus", "reason", "user_id"},
    m.StockReleased: ANSWER | {"reason", "user_id"},
    m.StockLow: {"sku", "product_id", "available", "level"},
    m.StockChanged: {"sku", "product_id", "available", "in_stock"},
    m.AdminAction: {"action", "subject_type", "subject_id", "actor_id", "actor_email", "before", "after"},
    m.PaymentSucceeded: PAID | {"charge_id"},
    m.PaymentFailed: PAID | {"reason", "attempts"},
    m.PaymentRefunded: PAID | {"refund_id", "phone", "refunded_total"},
    m.PaymentCaptured: PAID | {"charge_id"},
    m.PaymentVoided: PAID | {"charge_id"},
}
BY_TOPIC = {cls.TOPIC: cls for cls in m.MESSAGES}
LINE = {"product_id": "p1", "sku": "S-1", "name": "Lamp", "quantity": 2, "unit_price": 250}


def test_every_topic_of_the_design_has_exactly_one_class_with_its_constant():
    assert len(BY_TOPIC) == len(m.MESSAGES) and set(BY_TOPIC) == DESIGN_TOPICS


@pytest.mark.parametrize("cls", m.MESSAGES, ids=lambda c: c.TOPIC)
def test_each_class_declares_exactly_the_pinned_field_names(cls):
    assert set(cls.model_fields) == PINNED[cls]


@pytest.fixture()
def db():
    return database_client()[f"events_{uuid.uuid4().hex}"]


def _order(status: str = states.CONFIRMED) -> dict:
    return {
        "_id": uuid.uuid4().hex,
        "idem": uuid.uuid4().hex,
        "request_hash": "h",
        "user_id": "u1",
        "email": "u1@example.test",
        "name": "Ada",
        "phone": "+1 555 0100",
        "status": status,
        "reason": None,
        "lines": [{**LINE, "currency": "USD", "line_total": 500}],
        "total": 500,
        "currency": "USD",
        "payment": {"status": "succeeded"},
        "refund": None,
    }


def _outbox(collection, doc_id: str) -> list[Event]:
    return [Event(**entry) for entry in collection.find_one({"_id": doc_id}).get("_outbox", [])]


def _order_events(db) -> list[Event]:
    create_indexes(db, ORDER_INDEXES)
    repo = OrderRepository(db["orders"])
    order = _order()
    made = [orders.placed_event(order), redrive_event(order, 1), orders.cancelled_event(order, "customer")]
    made.append(orders.confirmed_event(order, {"status": "succeeded", "charge_id": "c", "brand": "visa", "last4": "1"}))
    repo.insert(order, orders.placed_event(order))
    orders.fulfil(repo, order["_id"], states.SHIPPED)
    orders.fulfil(repo, order["_id"], states.DELIVERED)
    return made + _outbox(db["orders"], order["_id"])


def _stock_events(db) -> list[Event]:
    stock = StockRepository(db["stock"], 5, partial(inventory.low_stock_event, level=5))
    stock.ensure("S-1", "p1", 9)
    create_indexes(db, INVENTORY_INDEXES)
    reservations = ReservationRepository(db["reservations"])
    held, short = _order(), {**_order(), "lines": [{**LINE, "sku": "S-NONE"}]}
    for order in (held, short):
        rs.reserve(reservations, stock, m.OrderPlaced.parse(orders.placed_event(order)), 60)
    rs.release(reservations, stock, held["_id"], "payment_failed")
    made = _outbox(db["reservations"], held["_id"]) + _outbox(db["reservations"], short["_id"])
    stock.changed_event = inventory.stock_changed_event
    stock.set_available("S-1", 0)  # the count crosses zero: stock.changed rides in its write
    crossed = [Event(**e) for e in db["stock"].find_one({"_id": "S-1"})["_outbox"] if e["type"] == "stock.changed"]
    return [*made, *crossed, inventory.low_stock_event({"sku": "S-1", "product_id": "p1"}, 1, 5)]


SHOP = payments.Shop("http://shop.test", "Fragmart")


def _payment_events(db, provider: StripeProcessor) -> list[Event]:
    """Every payment topic, from the use cases against the provider stand-in: authorized, captured and refunded;
    authorized and voided."""
    charges = ChargeRepository(db["charges"])
    shipped, cancelled, failed = _order(), _order(), _order()
    for order in (shipped, cancelled, failed):
        reserved = m.StockReserved(
            order_id=order["_id"], user_id="u1", payment=m.PaymentRequest(amount=500, currency="USD")
        )
        payments.open_payment(charges, provider, reserved)
        url = payments.start_checkout(charges, provider, SHOP, Identity("u1"), order["_id"])["url"]
        if order is failed:  # the bank refuses the 3-D Secure challenge
            pay(url, "3ds")
            authenticate(url, ok=False)
            session = provider.client.v1.checkout.sessions.retrieve(written(charges.get(order["_id"]))["session_id"])
            intent = session.payment_intent if isinstance(session.payment_intent, str) else None
            payments.attempt_failed(charges, order["_id"], intent, "payment_intent_authentication_failure")
            continue
        assert pay(url).status_code == 303
        payments.settle(charges, provider, order["_id"], written(charges.get(order["_id"]))["session_id"])
    payments.capture(charges, provider, m.OrderShipped(order_id=shipped["_id"], user_id="u1"))
    payments.refund(charges, provider, shipped["_id"], 200, "refund-key")
    payments.cancel(charges, provider, m.OrderCancelled.parse(orders.cancelled_event(cancelled, "customer")))
    return [e for order in (shipped, cancelled, failed) for e in _outbox(db["charges"], order["_id"])]


def _account_and_catalog_events() -> list[Event]:
    account = {
        "_id": "u1",
        "email": "a@example.test",
        "name": "Ada",
        "role": "customer",
        "created_at": datetime.now(UTC),
    }
    product = {"_id": "p1", "sku": "S-1", "name": "Lamp", "price": 250, "currency": "USD", "category": "home"}
    with Flask(__name__).test_request_context():
        g.identity = Identity("u0", "admin", "admin@example.test")  # the verified caller, as require_admin leaves it
        audited = admin_action("products", "product.update", "product", "p1", {"price": 200}, {"price": 250})
    return [
        auth.registered_event(account),
        products.changed_event(product, "created", {"S-1": 7}),
        products.changed_event(product, "deleted"),
        audited,
    ]


@pytest.fixture(scope="module")
def provider():
    with pay_standin() as standin:
        yield StripeProcessor(standin.key, standin.secret, standin.url)


def _reset_events(db, redis_url) -> list[Event]:
    """account.password_reset, as the auth service writes it when a known email asks for a link."""
    accounts = AccountRepository(db["accounts"])
    account = {"_id": "u9", "email": "reset@example.test", "name": "Ada", "role": "customer", "password_hash": "x"}
    accounts.insert(account, auth.registered_event({**account, "created_at": datetime.now(UTC)}))
    links = ResetRepository(db["password_resets"])
    limiter = RateLimiter(redis.Redis.from_url(redis_url))
    resets.request_reset(accounts, links, limiter, "http://shop.test", "reset@example.test", "10.0.0.1")
    return _outbox(db["password_resets"], links.resets.find_one({})["_id"])


def _email_change_events(db, redis_url) -> list[Event]:
    """account.email_change_requested, then account.email_changed twice (the change, its undo), as the auth service
    writes them for "Change email"."""
    accounts, passwords = AccountRepository(db["accounts"]), Passwords()
    account = {"_id": "u8", "email": "old@example.com", "name": "Ada", "role": "customer"}
    accounts.insert(
        {**account, "password_hash": passwords.hash("first-pass-1")},
        auth.registered_event({**account, "created_at": datetime.now(UTC)}),
    )
    links, limiter = ResetRepository(db["password_resets"]), RateLimiter(redis.Redis.from_url(redis_url))
    body = SimpleNamespace(new_email="new@example.com", current_password="first-pass-1")
    email_change.request_change(accounts, links, passwords, limiter, "http://shop.test", "u8", body)
    [asked] = _outbox(db["password_resets"], links.resets.find_one({"purpose": email_change.CONFIRM})["_id"])
    token = asked.data["confirm_url"].rsplit("/", 1)[1]
    email_change.confirm_change(accounts, links, limiter, "http://shop.test", token, "10.0.0.2")
    changed = [e for e in _outbox(db["accounts"], "u8") if e.type == m.EmailChanged.TOPIC]
    undo = changed[0].data["undo_url"].rsplit("/", 1)[1]
    email_change.undo_change(accounts, links, SimpleNamespace(revoke_account=lambda _: 0), limiter, undo, "10.0.0.2")
    return [asked, *(e for e in _outbox(db["accounts"], "u8") if e.type == m.EmailChanged.TOPIC)]


def _deletion_events(db, redis_url) -> list[Event]:
    """account.deleted, as the auth service writes it for "Delete my account"."""
    accounts, passwords = AccountRepository(db["accounts"]), Passwords()
    account = {"_id": "u7", "email": "gone@example.com", "name": "Ada", "role": "customer"}
    accounts.insert(
        {**account, "password_hash": passwords.hash("first-pass-1")},
        auth.registered_event({**account, "created_at": datetime.now(UTC)}),
    )
    limiter = RateLimiter(redis.Redis.from_url(redis_url))
    roles, no_sessions = Roles(db["accounts"], db["role_counts"]), SimpleNamespace(revoke_account=lambda _: 0)
    two_factor = SimpleNamespace(docs=db["two_factor"])
    deletion.delete_account(accounts, roles, passwords, no_sessions, two_factor, limiter, "u7", "first-pass-1")
    return [e for e in _outbox(db["accounts"], "u7") if e.type == m.AccountDeleted.TOPIC]


@pytest.fixture()
def produced(db, provider, redis_url) -> list[Event]:
    made = _order_events(db) + _stock_events(db) + _payment_events(db, provider) + _account_and_catalog_events()
    made += _reset_events(db, redis_url) + _email_change_events(db, redis_url)
    return made + _deletion_events(db, redis_url)


def test_the_producers_make_an_event_of_every_topic(produced):
    assert {e.type for e in produced} == DESIGN_TOPICS


def test_every_produced_event_parses_in_its_topics_class_with_nothing_lost_or_renamed(produced):
    assert produced, "the producers made no event: the loop below would check nothing"
    for event in produced:
        cls = BY_TOPIC[event.type]
        wire = Event.from_json(event.to_json())
        assert set(wire.data) <= PINNED[cls], event.type
        assert cls.parse(wire).model_dump(exclude_unset=True) == wire.data, event.type


def test_the_envelope_keeps_its_fields_and_adds_traceparent_only_when_traced(produced):
    envelope = {"type", "data", "source", "correlation_id", "version", "event_id", "occurred_at"}
    assert produced, "the producers made no event: the loop below would check nothing"
    for event in produced:
        assert set(json.loads(event.to_json())) - {"traceparent"} == envelope


def test_an_event_written_before_the_classes_still_parses_and_encodes_to_the_same_bytes():
    raw = (
        b'{"type":"stock.reserved","data":{"order_id":"o1","lines":[{"sku":"S-1","quantity":2}],'
        b'"expires_at":"2026-01-01T00:15:00+00:00","user_id":"u1","email":"a@example.test","name":"Ada",'
        b'"payment":{"amount":500,"currency":"USD"}},"source":"inventory","correlation_id":"r1",'
        b'"version":1,"event_id":"e1","occurred_at":"2026-01-01T00:00:00+00:00",'
        b'"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}'
    )
    event = Event.from_json(raw)
    reserved = m.StockReserved.parse(event)
    assert reserved.payment == m.PaymentRequest(amount=500, currency="USD")
    assert reserved.lines == [m.StockLine(sku="S-1", quantity=2)] and event.to_json() == raw


REQUIRED = [(cls, name) for cls in m.MESSAGES for name, field in cls.model_fields.items() if field.is_required()]


def _valid(cls: type[m.Message]) -> dict:
    """The smallest payload the class accepts."""
    base: dict[str, object] = {"order_id": "o1", "user_id": "u1", "email": "a@example.test", "sku": "S-1"}
    base |= {"action": "created", "subject_type": "stock", "subject_id": "S-1", "actor_id": "u1"}
    base |= {"reset_url": "http://shop.test/reset-password/t", "expires_at": "2026-12-05T12:00:00+00:00"}
    base |= {"old_email": "a@example.test", "new_email": "b@example.test", "confirm_url": "http://shop.test/c/t"}
    base |= {"changed_at": "2026-12-05T12:00:00+00:00", "deleted_at": "2026-12-05T12:00:00+00:00"}
    base |= {"available": 1, "level": 5, "version": 1, "in_stock": True}
    return {k: v for k, v in base.items() if k in cls.model_fields}


@pytest.mark.parametrize(("cls", "name"), REQUIRED, ids=lambda p: getattr(p, "TOPIC", p))
def test_a_payload_missing_a_required_field_is_refused_naming_it(cls, name):
    payload = _valid(cls)
    cls.model_validate(payload)
    with pytest.raises(ValidationError) as refused:
        cls.model_validate({k: v for k, v in payload.items() if k != name})
    assert [e["loc"] for e in refused.value.errors()] == [(name,)] and isinstance(refused.value, ValueError)


@pytest.mark.parametrize(
    ("cls", "change", "loc"),
    [
        (m.OrderPlaced, {"order_id": 5}, ("order_id",)),
        (m.OrderPlaced, {"lines": [{"sku": "S-1", "quantity": "2"}]}, ("lines", 0, "quantity")),
        (m.OrderPlaced, {"lines": [{"sku": "S-1", "quantity": True}]}, ("lines", 0, "quantity")),
        (m.OrderPlaced, {"lines": [{"sku": "S-1", "quantity": 0}]}, ("lines", 0, "quantity")),
        (m.OrderPlaced, {"lines": [{"quantity": 1}]}, ("lines", 0, "sku")),
        (m.OrderPlaced, {"payment": {"amount": "lots", "currency": "USD"}}, ("payment", "amount")),
        (m.StockReserved, {"payment": {"currency": "USD"}}, ("payment", "amount")),
        (m.ProductChanged, {"action": "renamed"}, ("action",)),
        (m.ProductChanged, {"initial_stock": -1}, ("initial_stock",)),
        (m.ProductChanged, {"initial_stock": "5"}, ("initial_stock",)),
        (m.UserRegistered, {"email": None}, ("email",)),
        (m.OrderCancelled, {"paid": "perhaps"}, ("paid",)),
    ],
)
def test_a_mistyped_field_is_refused_naming_where_it_is(cls, change, loc):
    with pytest.raises(ValidationError) as refused:
        cls.model_validate({**_valid(cls), **change})
    assert [e["loc"] for e in refused.value.errors()] == [loc]


def test_a_malformed_event_is_retried_then_dead_lettered_with_the_refusal_as_its_error(db):
    stock = StockRepository(db["stock"], 5, partial(inventory.low_stock_event, level=5))
    reservations = ReservationRepository(db["reservations"])
    publisher = RecordingPublisher()
    handlers = inventory_consumers.reservation_handlers(reservations, stock, 60)
    runner = ConsumerRunner("unused:9092", "inventory", handlers, db["inbox"], publisher, attempts=2, backoff=0)
    bad = orders.placed_event(_order())
    bad = Event(**{**bad.envelope(), "data": {**bad.data, "lines": [{"quantity": 1}]}})
    runner.handle_record(m.OrderPlaced.TOPIC, bad.to_json())
    [(topic, raw, headers)] = publisher.sent
    assert topic == "order.placed.dlq" and raw == bad.to_json()
    assert "validation error for OrderPlaced" in dict(headers)["error"].decode() and "lines.0.sku" in str(headers)
    assert reservations.get(bad.data["order_id"]) is None  # refused before any effect
