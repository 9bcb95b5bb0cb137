"""The payment use cases with the Stripe adapter against the provider stand-in: one checkout per order, only the
provider's word authorizes, capture once, void on cancel, refunds never above the captured total."""

from __future__ import annotations

import threading
import uuid

import pytest
import requests

from common.auth.identity import Identity
from common.errors import Conflict, ValidationError
from common.messaging.messages import OrderCancelled, OrderShipped, StockReserved
from services.payments import service
from services.payments.repository import ChargeRepository
from services.payments.stripe_adapter import StripeProcessor
from tests.support.databases import database_client
from tests.support.payflow import authenticate, pay, pay_standin

SHOP = service.Shop("http://shop.test", "Fragmart")
ADA = Identity(user_id="u1", role="customer", email="ada@example.test", name="Ada")


@pytest.fixture(scope="module")
def standin():
    with pay_standin() as s:
        yield s


@pytest.fixture()
def parts(standin):
    db = database_client()[f"payments_{uuid.uuid4().hex}"]
    return ChargeRepository(db["charges"]), StripeProcessor(standin.key, standin.secret, standin.url)


def opened(charges, provider, amount=2500, user="u1"):
    order_id = uuid.uuid4().hex
    reserved = {"order_id": order_id, "user_id": user, "email": "ada@example.test"}
    service.open_payment(
        charges, provider, StockReserved.model_validate({**reserved, "payment": {"amount": amount, "currency": "USD"}})
    )
    return order_id


def outbox(charges, order_id):
    return [e["type"] for e in charges.charges.find_one({"_id": order_id}).get("_outbox", [])]


def paid(charges, provider, amount=2500, card="approve"):
    order_id = opened(charges, provider, amount)
    url = service.start_checkout(charges, provider, SHOP, ADA, order_id)["url"]
    assert pay(url, card).status_code == 303
    doc = service.settle(charges, provider, order_id, charges.get(order_id)["session_id"])
    return order_id, doc


def test_one_checkout_per_order_however_often_it_is_asked(parts):
    charges, provider = parts
    order_id = opened(charges, provider)
    urls = {service.start_checkout(charges, provider, SHOP, ADA, order_id)["url"] for _ in range(3)}
    assert len(urls) == 1
    page = requests.get(urls.pop(), timeout=5).text
    assert "Fragmart" in page and "25.00 USD" in page  # the provider's page says which shop and what amount


def test_someone_elses_order_cannot_be_paid_and_looks_like_one_not_ready(parts):
    charges, provider = parts
    order_id = opened(charges, provider, user="someone-else")
    with pytest.raises(Conflict) as refused:
        service.start_checkout(charges, provider, SHOP, ADA, order_id)
    assert refused.value.code == "PAYMENT_NOT_READY"


def test_only_the_providers_word_authorizes_and_only_once(parts):
    charges, provider = parts
    order_id = opened(charges, provider)
    service.start_checkout(charges, provider, SHOP, ADA, order_id)
    session_id = charges.get(order_id)["session_id"]
    assert service.settle(charges, provider, order_id, session_id)["status"] == "awaiting"  # not paid yet
    assert pay(charges.get(order_id)["url"]).status_code == 303
    for _ in range(3):  # the webhook, its redelivery, the return page
        doc = service.settle(charges, provider, order_id, session_id)
    assert doc["status"] == "authorized" and outbox(charges, order_id) == ["payment.succeeded"]
    with pytest.raises(Conflict) as again:
        service.start_checkout(charges, provider, SHOP, ADA, order_id)
    assert again.value.code == "ALREADY_PAID"


def test_a_failed_3ds_challenge_leaves_the_payment_awaiting_and_another_card_pays(parts):
    charges, provider = parts
    order_id = opened(charges, provider)
    url = service.start_checkout(charges, provider, SHOP, ADA, order_id)["url"]
    assert pay(url, "3ds").headers["Location"].endswith("/authenticate")
    assert authenticate(url, ok=False).headers["Location"] == SHOP.return_url(order_id, left=True)
    session_id = charges.get(order_id)["session_id"]
    assert service.settle(charges, provider, order_id, session_id)["status"] == "awaiting"
    assert pay(url).status_code == 303
    assert service.settle(charges, provider, order_id, session_id)["status"] == "authorized"


def test_cancelling_before_payment_closes_the_providers_page(parts):
    charges, provider = parts
    order_id = opened(charges, provider)
    url = service.start_checkout(charges, provider, SHOP, ADA, order_id)["url"]
    doc = service.cancel(charges, provider, OrderCancelled(order_id=order_id, user_id="u1", total=2500))
    assert doc["status"] == "cancelled" and requests.get(url, timeout=5).status_code == 410
    with pytest.raises(Conflict):
        service.start_checkout(charges, provider, SHOP, ADA, order_id)


def test_a_payment_made_as_the_order_ended_is_voided_at_once(parts):
    charges, provider = parts
    order_id = opened(charges, provider)
    url = service.start_checkout(charges, provider, SHOP, ADA, order_id)["url"]
    assert pay(url).status_code == 303  # paid at the provider ...
    charges.move(order_id, "awaiting", {"status": "cancelled"})  # ... as the order was cancelled here
    doc = service.settle(charges, provider, order_id, charges.get(order_id)["session_id"])
    assert doc["status"] == "voided" and outbox(charges, order_id) == ["payment.voided"]


def test_cancelling_an_authorized_order_voids_it_once(parts):
    charges, provider = parts
    order_id, _ = paid(charges, provider)
    for _ in range(2):
        doc = service.cancel(charges, provider, OrderCancelled(order_id=order_id, user_id="u1", total=2500))
    assert doc["status"] == "voided" and outbox(charges, order_id) == ["payment.succeeded", "payment.voided"]


def test_capture_at_shipment_happens_once(parts):
    charges, provider = parts
    order_id, _ = paid(charges, provider)
    for _ in range(3):
        doc = service.capture(charges, provider, OrderShipped(order_id=order_id, user_id="u1"))
    assert doc["status"] == "captured" and outbox(charges, order_id).count("payment.captured") == 1


def test_refunds_never_add_up_to_more_than_the_captured_total_even_at_the_same_moment(parts):
    charges, provider = parts
    order_id, _ = paid(charges, provider, amount=1000)
    with pytest.raises(Conflict):  # not shipped: nothing captured to refund
        service.refund(charges, provider, order_id, 100, "before-capture")
    service.capture(charges, provider, OrderShipped(order_id=order_id, user_id="u1"))
    outcomes: list[str] = []
    refunded_by: list[str] = []  # the keys whose refund went through (which three depends on the threads' race)

    def refund(n):
        try:
            service.refund(charges, provider, order_id, 300, f"refund-{n:04d}")
            outcomes.append("ok")
            refunded_by.append(f"refund-{n:04d}")
        except ValidationError as e:
            outcomes.append(e.code)

    threads = [threading.Thread(target=refund, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    doc = charges.get(order_id)
    assert outcomes.count("ok") == 3 and outcomes.count("REFUND_TOO_LARGE") == 3
    assert doc["refunded"] == 900 and [h["kind"] for h in doc["history"]].count("refunded") == 3
    assert service.refund(charges, provider, order_id, 300, refunded_by[0])["refunded"] == 900  # a key twice: once
    with pytest.raises(ValidationError) as too_much:
        service.refund(charges, provider, order_id, 101, "one-too-many")
    assert too_much.value.details["fields"]["amount"] == "At most $1.00 can still be refunded."
