"""The webhooks page in Chromium, with and without JavaScript, on a phone and a desktop: add an endpoint, copy the
secret shown once, see a refusal beside its field, watch a delivery arrive and resend it."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask, request
from kafka import KafkaProducer
from playwright.sync_api import expect
from standardwebhooks import Webhook

from common.messaging.events import make_event
from tests.browser.pages.webhooks import WebhooksPage
from tests.support.browser.variants import BOTH
from tests.support.polling import wait_until
from tests.support.servers import serving


@pytest.fixture()
def receiver():
    got: list[tuple[bytes, dict]] = []
    app = Flask(__name__)

    @app.post("/hook")
    def hook():
        got.append((request.get_data(), dict(request.headers)))
        return "", 204

    with serving(app) as url:
        yield url, got


@BOTH
@pytest.mark.parametrize("width", [390, 1280])
def test_an_admin_adds_an_endpoint_and_sees_its_signed_deliveries(kind, width, admin_page, receiver, stack):
    page = admin_page(kind)
    page.set_viewport_size({"width": width, "height": 900})
    url, got = receiver
    hooks = WebhooksPage(page)
    hooks.navigate()
    hooks.add("ftp://nowhere.example/hook", "Order confirmed")
    expect(hooks.region.get_by_label("URL")).to_have_accessible_description(
        "Enter the receiver's URL, starting with https:// (a public address)."
    )
    endpoint_url = f"{url}/hook?{uuid.uuid4().hex[:8]}"
    hooks.add(endpoint_url, "Order confirmed")
    expect(hooks.secret).to_be_visible()
    secret = hooks.secret.input_value()
    assert secret.startswith("whsec_")
    order_id = uuid.uuid4().hex
    producer = KafkaProducer(bootstrap_servers=stack.url("kafka"))
    producer.send("order.confirmed", make_event("order.confirmed", {"order_id": order_id, "lines": []}, "t").to_json())
    producer.close()
    wait_until(lambda: any(order_id.encode() in body for body, _ in got), 30, message="the delivery")
    body, headers = next((b, h) for b, h in got if order_id.encode() in b)
    assert Webhook(secret).verify(body, headers)["data"]["order_id"] == order_id
    hooks.navigate()
    expect(hooks.secret).to_have_count(0)  # shown once
    hooks.open_endpoint(endpoint_url)
    expect(hooks.region.get_by_role("cell", name="Succeeded")).to_be_visible()
    hooks.resend_first()
    expect(hooks.region.get_by_role("status")).to_contain_text("Queued again with the same webhook-id")
    wait_until(lambda: sum(order_id.encode() in b for b, _ in got) == 2, 30, message="the resent delivery")
    hooks.button("Delete endpoint").click()
    hooks.button("Yes, delete endpoint").click()
    expect(hooks.region.get_by_role("status")).to_have_text("Endpoint deleted.")
