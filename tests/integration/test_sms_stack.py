"""A text through the whole local stack: the order notice, the SMS stand-in process, and its signed status
callbacks relayed by the gateway until the delivery log reads "delivered"."""

from __future__ import annotations

import requests
from kafka import KafkaProducer

from common.messaging.events import make_event
from devstack.sms_standin import read_texts
from tests.support.accounts_apps import bearer, new_user
from tests.support.browser.order_data import confirmed_order
from tests.support.polling import wait_until


def test_a_confirmed_order_texts_the_shopper_and_the_delivery_log_reads_delivered(stack, gateway_url):
    user = new_user(gateway_url)
    phone = requests.patch(
        f"{gateway_url}/api/users/me", json={"phone": "415 555 2671"}, headers=bearer(user), timeout=10
    ).json()["phone"]
    order = {"order_id": user["id"][::-1], "user_id": user["id"], "email": user["email"], "name": user["name"]}
    event = make_event("order.confirmed", {**order, "phone": phone, "total": 1200, "currency": "USD", "lines": []}, "t")
    producer = KafkaProducer(bootstrap_servers=stack.url("kafka"))
    producer.send("order.confirmed", event.to_json())
    producer.close()
    [text] = wait_until(
        lambda: (
            read_texts(stack.sms_dir, to="+14155552671")
            and [
                t
                for t in read_texts(stack.sms_dir, to="+14155552671")
                if order["order_id"] in (t["status_callback"] or "")
            ]
        ),
        message="the text in var/sms",
    )
    assert text["body"].startswith(f"Fragmart: order {order['order_id'][:8]} is confirmed ($12.00)")

    def sms_status():
        log = requests.get(f"{gateway_url}/api/notifications", headers=bearer(user), timeout=10).json()["items"]
        return next((d["status"] for d in log if d["channel"] == "sms"), None)

    wait_until(lambda: sms_status() == "delivered", 30, message="the delivery log to read delivered")


def test_a_purchase_texts_the_shopper_and_the_delivery_log_reads_delivered(stack, gateway_url):
    """The issue's "done when": a real purchase (the saga, the payment stand-in), no event made by the test."""
    user = new_user(gateway_url)
    phone = requests.patch(
        f"{gateway_url}/api/users/me", json={"phone": "+1 415 555 2671"}, headers=bearer(user), timeout=10
    ).json()["phone"]
    user, order_id = confirmed_order(gateway_url, user, phone=phone)

    def texts():
        return [t for t in read_texts(stack.sms_dir, to=phone) if order_id in (t["status_callback"] or "")]

    [text] = wait_until(texts, 30, message="the order's text in var/sms")
    assert text["body"].startswith(f"Fragmart: order {order_id[:8]} is confirmed (")

    def sms_status():
        log = requests.get(f"{gateway_url}/api/notifications", headers=bearer(user), timeout=10).json()["items"]
        return next((d["status"] for d in log if d["channel"] == "sms"), None)

    wait_until(lambda: sms_status() == "delivered", 30, message="the delivery log to read delivered")
