"""The payment provider stand-in as devstack runs it: its signed webhook reaches the payments service through the
gateway, and a forged one is refused there."""

from __future__ import annotations

import time

import requests

from tests.support.browser.order_data import confirmed_order
from tests.support.polling import wait_until


def authorized_count(stack) -> float:
    text = requests.get(f"{stack.url('services.payments')}/metrics", timeout=10).text
    lines = [ln for ln in text.splitlines() if ln.startswith('payments_outcome_total{outcome="authorized"}')]
    return float(lines[0].split()[-1]) if lines else 0.0


def test_a_forged_webhook_is_refused_at_the_gateway_with_400(stack, gateway_url):
    body = b'{"id": "evt_forged", "type": "checkout.session.completed", "data": {"object": {}}}'
    forged = {"Stripe-Signature": f"t={int(time.time())},v1={'0' * 64}", "Content-Type": "application/json"}
    r = requests.post(f"{gateway_url}/api/payments/webhooks/stripe", data=body, headers=forged, timeout=10)
    assert r.status_code == 400 and r.json()["error"] == "BAD_SIGNATURE"


def test_paying_on_the_hosted_page_sends_a_signed_webhook_that_the_payments_service_applies(stack, gateway_url):
    before = authorized_count(stack)
    # Paid on the hosted page, and nobody asks the provider afterwards: only the webhook can confirm the order.
    confirmed_order(gateway_url)
    wait_until(lambda: authorized_count(stack) > before, message="the payments service applied the webhook")
