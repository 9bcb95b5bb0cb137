"""Order notices: an email over real SMTP and a text through the SMS stand-in, once per order and kind."""

from __future__ import annotations

import re
import uuid

import pytest

import services.notifications
from common.auth import order_links
from common.messaging.events import make_event
from common.platform import platform_of
from devstack.smtp_sink import read_messages
from services.notifications.consumers import all_handlers
from services.notifications.deps import deps as notifications_deps


@pytest.fixture(scope="module")
def app(service_config, smtp_sink, sms_standin):
    # No status callbacks here (tests/contract/api/test_sms.py follows a text to "delivered"): texts stay "queued".
    config = service_config(smtp_url=smtp_sink.url, shop_url="https://shop.example", sms_status_callback_url="")
    return services.notifications.create_app({**config, **sms_standin.settings})


@pytest.fixture(scope="module")
def on(app):
    return all_handlers(notifications_deps(app).notifier)


@pytest.fixture()
def order():
    user = uuid.uuid4().hex
    return {
        "order_id": uuid.uuid4().hex,
        "user_id": user,
        "email": f"{user}@example.test",
        "name": "Grace <H>",
        "phone": "+14155552671",
        "total": 8400,
        "currency": "USD",
        "lines": [
            {
                "product_id": "fountain-pen",
                "sku": "FM-STA-022",
                "name": "Fountain Pen",
                "quantity": 2,
                "unit_price": 4200,
            }
        ],
    }


def ev(type_, **data):
    return make_event(type_, data, "test")


def log_of(app, issuer, user_id):
    return app.test_client().get("/api/notifications", headers=issuer.headers(user_id)).json["items"]


def test_a_confirmed_order_sends_one_email_and_one_text_both_in_the_delivery_log(app, on, order, smtp_sink, issuer):
    event = ev("order.confirmed", **order, payment={"brand": "visa", "last4": "4242"})
    for _ in range(2):
        on["order.confirmed"](event)
    on["order.confirmed"](ev("order.confirmed", **order))  # the same fact under a new event id
    [mail] = read_messages(smtp_sink.dir, to=order["email"])
    assert mail["subject"] == f"Your Fragmart order {order['order_id'][:8]} is confirmed"
    assert "2 x Fountain Pen  $84.00" in mail["body"] and "Total: $84.00" in mail["body"]
    assert f"https://shop.example/orders/{order['order_id']}" in mail["body"]
    assert "Grace &lt;H&gt;" in mail["html"]
    items = log_of(app, issuer, order["user_id"])
    assert sorted((i["channel"], i["status"]) for i in items) == [("email", "sent"), ("sms", "queued")]
    sms = next(i for i in items if i["channel"] == "sms")
    assert sms["to"] == "+14155552671" and "is confirmed ($84.00)" in sms["body"]


@pytest.mark.parametrize("kind", ["order.confirmed", "order.shipped", "order.cancelled"])
def test_a_guests_order_emails_carry_its_signed_link_not_an_account_page(app, on, order, smtp_sink, kind):
    guest = {**order, "user_id": None, "email": f"guest-{uuid.uuid4().hex[:8]}@example.com", "phone": None}
    on[kind](ev(kind, **guest))
    [mail] = read_messages(smtp_sink.dir, to=guest["email"])
    found = re.search(r"https://shop\.example/orders/link/([A-Za-z0-9_.-]+)", mail["body"])
    assert found and f"/orders/{order['order_id']}" not in mail["body"], mail["body"]
    assert order_links.read(platform_of(app).settings, found.group(1)) == (order["order_id"], guest["email"])
    assert f"/orders/link/{found.group(1)}" in (mail["html"] or "")


def test_a_cancelled_order_says_why_and_whether_money_comes_back(on, order, smtp_sink):
    on["order.cancelled"](ev("order.cancelled", **order, reason="declined", reason_text="Card declined", paid=False))
    [mail] = read_messages(smtp_sink.dir, to=order["email"])
    assert mail["subject"].endswith("is cancelled") and "Reason: Card declined." in mail["body"]
    assert "No money was taken." in mail["body"]


def test_a_refund_is_announced_with_its_amount_and_card(app, on, order, smtp_sink, issuer):
    on["payment.refunded"](
        ev(
            "payment.refunded",
            order_id=order["order_id"],
            user_id=order["user_id"],
            email=order["email"],
            phone=order["phone"],
            amount=8400,
            currency="USD",
            brand="visa",
            last4="4242",
            refund_id="re_1",
        )
    )
    [mail] = read_messages(smtp_sink.dir, to=order["email"])
    assert mail["subject"] == f"$84.00 refunded for your Fragmart order {order['order_id'][:8]}"
    assert "to your Visa ending in 4242" in mail["body"]
    assert [i["channel"] for i in log_of(app, issuer, order["user_id"])].count("sms") == 1


def test_without_a_phone_there_is_no_text_and_a_known_contact_supplies_the_email(app, on, order, smtp_sink, issuer):
    notifications_deps(app).repo.remember_contact(order["user_id"], order["email"], "Grace")
    on["order.confirmed"](ev("order.confirmed", **{**order, "email": None, "phone": None}))
    assert len(read_messages(smtp_sink.dir, to=order["email"])) == 1
    assert [i["channel"] for i in log_of(app, issuer, order["user_id"])] == ["email"]


@pytest.mark.parametrize(
    ("topic", "subject", "says"),
    [
        ("order.shipped", "is on its way", "is on its way to you"),
        ("order.delivered", "has been delivered", "has been delivered"),
    ],
)
def test_a_shipped_or_delivered_order_emails_the_customer_once(on, order, smtp_sink, topic, subject, says):
    event = ev(topic, **order)
    on[topic](event)
    on[topic](event)  # redelivered, or replayed from a dead letter
    [mail] = read_messages(smtp_sink.dir, to=order["email"])
    assert mail["subject"] == f"Your Fragmart order {order['order_id'][:8]} {subject}"
    assert says in mail["body"] and "Total: $84.00" in mail["body"]


def test_the_shipped_email_names_the_carrier_links_the_tracking_and_lists_the_price_lines(on, order, smtp_sink):
    breakdown = {"subtotal": 8400, "discount": 840, "delivery": 1200, "tax": 1400, "total": 8760}
    parcel = {"carrier": "dhl", "carrier_name": "DHL", "tracking_number": "JD0146", "tracking_url": None}
    parcel["tracking_url"] = "https://www.dhl.com/global-en/home/tracking.html?tracking-id=JD0146"
    order = {**order, "total": 8760, "breakdown": {**breakdown, "tax_inclusive": True, "promo_code": "WELCOME10"}}
    on["order.shipped"](ev("order.shipped", **order, shipment=parcel))
    [mail] = read_messages(smtp_sink.dir, to=order["email"])
    text = mail["body"]
    assert "Carrier: DHL" in text and "Tracking number: JD0146" in text and parcel["tracking_url"] in text
    for line in ("Subtotal: $84.00", "Discount (WELCOME10): −$8.40", "Delivery: $12.00", "Tax (included): $14.00"):
        assert line in text
    assert "Total: $87.60" in text and f'href="{parcel["tracking_url"]}"' in mail["html"]
