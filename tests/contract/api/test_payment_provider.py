"""The Stripe adapter against the provider stand-in (localstripe plus our Checkout), and the signed webhook endpoint."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import queue
import secrets
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

import services.payments
from common.messaging.messages import PaymentRequest, StockReserved
from devstack.probes import free_port
from devstack.processes import ROOT
from services.payments import service
from services.payments.deps import deps as payments_deps
from services.payments.ports import SignatureInvalid
from services.payments.stripe_adapter import StripeProcessor

KEY, SECRET = "sk_test_" + secrets.token_hex(8), "whsec_" + secrets.token_hex(8)
SHOP = "http://shop.test"


@pytest.fixture(scope="module")
def hooks():
    """A receiver for the stand-in's webhook deliveries: .url, and .got (a queue of (headers, body))."""
    got: queue.Queue = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            got.put((dict(self.headers), self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield type("Hooks", (), {"url": f"http://127.0.0.1:{server.server_port}/hook", "got": got})
    server.shutdown()


@pytest.fixture(scope="module")
def provider(hooks):
    """The stand-in as its own process, as devstack runs it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "STRIPE_WEBHOOK_SECRET": SECRET, "STRIPE_WEBHOOK_URL": hooks.url, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "devstack.pay_standin", "--port", str(port)], env=env, cwd=ROOT)
    deadline = time.monotonic() + 20
    while True:
        try:
            if requests.get(f"{url}/healthz", timeout=1).ok:
                break
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)  # waiting for a process to listen, not for a result
    yield url
    proc.terminate()
    proc.wait(5)


@pytest.fixture(scope="module")
def adapter(provider):
    return StripeProcessor(KEY, SECRET, provider)


def checkout(adapter, order_id=None, amount=2599):
    order_id = order_id or secrets.token_hex(12)
    made = adapter.create_checkout(
        order_id,
        amount,
        "usd",
        shop="Fragmart",
        email="ann@example.com",
        success_url=f"{SHOP}/checkout/return?order={order_id}",
        cancel_url=f"{SHOP}/checkout/return?order={order_id}&cancelled=1",
        expires_at=int(time.time()) + 900,
    )
    return order_id, made


def pay(url, number, exp="12 / 34", cvc="123"):
    return requests.post(url, data={"number": number, "exp": exp, "cvc": cvc}, allow_redirects=False, timeout=10)


def test_the_hosted_page_names_the_shop_and_amount_and_4242_authorizes_then_captures_and_refunds(adapter, provider):
    order_id, made = checkout(adapter)
    assert made.url.startswith(f"{provider}/c/pay/cs_")
    page = requests.get(made.url, timeout=10).text
    assert "Fragmart" in page and "25.99 USD" in page and "Card number" in page and ">Pay<" in page
    paid = pay(made.url, "4242 4242 4242 4242")
    assert paid.status_code == 303 and paid.headers["Location"] == f"{SHOP}/checkout/return?order={order_id}"
    state = adapter.lookup(made.session_id)
    assert (state.state, state.amount) == ("authorized", 2599) and state.intent_id.startswith("pi_")
    adapter.capture(state.intent_id, 2599)
    assert adapter.lookup(made.session_id).state == "captured"
    assert adapter.refund(state.intent_id, 500, f"refund-{order_id}-1").startswith("re_")


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("4000000000000002", "Your card was declined."),
        ("4000000000009995", "Your card has insufficient funds."),
        ("4000000000000119", "An error occurred while processing your card."),
    ],
)
def test_a_declined_card_stays_on_the_page_with_the_reason_and_nothing_is_authorized(adapter, number, message):
    _, made = checkout(adapter)
    refused = pay(made.url, number)
    assert refused.status_code == 402 and message in refused.text and "Card number" in refused.text
    assert adapter.lookup(made.session_id).state == "open"


def test_3ds_complete_authorizes_and_fail_returns_to_the_shop_unpaid(adapter):
    order_id, made = checkout(adapter)
    challenge = pay(made.url, "4000 0027 6000 3184")
    assert challenge.status_code == 303 and challenge.headers["Location"].endswith("/authenticate")
    page = requests.get(made.url + "/authenticate", timeout=10).text
    assert ">Complete<" in page and ">Fail<" in page
    failed = requests.post(made.url + "/authenticate", data={"result": "fail"}, allow_redirects=False, timeout=10)
    assert failed.headers["Location"].endswith("&cancelled=1") and adapter.lookup(made.session_id).state == "open"
    pay(made.url, "4000 0027 6000 3184")
    done = requests.post(made.url + "/authenticate", data={"result": "complete"}, allow_redirects=False, timeout=10)
    assert done.headers["Location"] == f"{SHOP}/checkout/return?order={order_id}"
    assert adapter.lookup(made.session_id).state == "authorized"


def test_a_void_cancels_the_authorization(adapter):
    _, made = checkout(adapter)
    pay(made.url, "4242424242424242")
    adapter.void(adapter.lookup(made.session_id).intent_id)
    assert adapter.lookup(made.session_id).state == "voided"


def test_the_same_order_gets_the_same_session_on_a_double_click(adapter):
    order_id, first = checkout(adapter)
    _, again = checkout(adapter, order_id)
    assert again.session_id == first.session_id


def test_the_stand_ins_webhook_is_signed_in_stripes_scheme_and_names_the_order(adapter, hooks):
    order_id, made = checkout(adapter)
    pay(made.url, "4242424242424242")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        headers, body = hooks.got.get(timeout=15)
        event = adapter.parse_webhook(body, headers.get("Stripe-Signature"))
        if event.type == "checkout.session.completed" and event.order_id == order_id:
            break
    assert event.session_id == made.session_id
    with pytest.raises(SignatureInvalid):
        adapter.parse_webhook(body.replace(order_id.encode(), b"0" * len(order_id)), headers.get("Stripe-Signature"))


# The webhook endpoint, signed the way Stripe documents it: t=<unix>,v1=HMAC-SHA256(secret, "<t>.<body>").
def signed(body: bytes, secret: str = SECRET, at: int | None = None) -> dict:
    t = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return {"Stripe-Signature": f"t={t},v1={mac}", "Content-Type": "application/json"}


def completed(order_id: str, session_id: str, event_id: str | None = None) -> bytes:
    obj = {
        "id": session_id,
        "object": "checkout.session",
        "client_reference_id": order_id,
        "metadata": {"order_id": order_id},
    }
    event = {"id": event_id or "evt_" + secrets.token_hex(8), "object": "event", "type": "checkout.session.completed"}
    return json.dumps({**event, "created": int(time.time()), "data": {"object": obj}}).encode()


@pytest.fixture(scope="module")
def app(service_config, provider):
    config = service_config(stripe_api_key=KEY, stripe_webhook_secret=SECRET, payment_provider_url=provider)
    return services.payments.create_app(config)


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def awaiting(app, adapter, amount=2599):
    """An order whose stock is reserved (its payment awaits the shopper) and its checkout at the provider."""
    order_id, made = checkout(adapter, amount=amount)
    reserved = StockReserved(order_id=order_id, user_id="u1", payment=PaymentRequest(amount=amount, currency="USD"))
    service.open_payment(payments_deps(app).charges, adapter, reserved)
    return order_id, made


def test_a_webhook_moves_the_checkout_once_and_a_duplicate_changes_nothing(app, client, adapter):
    order_id, made = awaiting(app, adapter)
    pay(made.url, "4242424242424242")
    body = completed(order_id, made.session_id)
    first = client.post("/api/payments/webhooks/stripe", data=body, headers=signed(body))
    assert first.status_code == 200 and first.json["outcome"] == "applied"
    again = client.post("/api/payments/webhooks/stripe", data=body, headers=signed(body))
    assert again.status_code == 200 and again.json["outcome"] == "duplicate"
    other = completed(order_id, made.session_id)  # the same news under another event id: changes nothing more
    assert (
        client.post("/api/payments/webhooks/stripe", data=other, headers=signed(other)).json["outcome"] == "unchanged"
    )
    payment = payments_deps(app).charges.charges.find_one({"_id": order_id})
    assert payment["status"] == "authorized" and [e["type"] for e in payment["_outbox"]] == ["payment.succeeded"]
    assert 'payments_outcome_total{outcome="authorized"}' in client.get("/metrics").text


def test_a_late_event_never_takes_the_checkout_back(app, client, adapter):
    order_id, made = awaiting(app, adapter)
    pay(made.url, "4242424242424242")
    adapter.capture(adapter.lookup(made.session_id).intent_id, 2599)
    newer = completed(order_id, made.session_id)
    assert client.post("/api/payments/webhooks/stripe", data=newer, headers=signed(newer)).json["outcome"] == "applied"
    older = completed(order_id, made.session_id)  # another delivery about the same checkout, arriving later
    assert (
        client.post("/api/payments/webhooks/stripe", data=older, headers=signed(older)).json["outcome"] == "unchanged"
    )


@pytest.mark.parametrize(
    "headers",
    [
        lambda body: {},
        lambda body: signed(body, secret="whsec_forged"),
        lambda body: signed(body, at=int(time.time()) - 301),  # older than Stripe's five-minute tolerance
        lambda body: {"Stripe-Signature": "t=abc,v1=$ne"},
    ],
    ids=["unsigned", "forged", "stale", "garbage"],
)
def test_a_forged_or_stale_webhook_is_400_and_changes_nothing(app, client, adapter, headers):
    order_id, made = awaiting(app, adapter)
    pay(made.url, "4242424242424242")
    body = completed(order_id, made.session_id)
    refused = client.post("/api/payments/webhooks/stripe", data=body, headers=headers(body))
    assert refused.status_code == 400 and refused.json["error"] == "BAD_SIGNATURE"
    assert payments_deps(app).charges.get(order_id)["status"] == "awaiting"
    # The same event, properly signed, is then still new: the refused one was not recorded.
    assert client.post("/api/payments/webhooks/stripe", data=body, headers=signed(body)).json["outcome"] == "applied"


def test_an_unknown_provider_is_404(client):
    assert client.post("/api/payments/webhooks/mollie", data=b"{}").status_code == 404


def test_signature_failures_are_counted(client):
    client.post("/api/payments/webhooks/stripe", data=b"{}", headers={"Stripe-Signature": "t=1,v1=00"})
    assert 'payment_webhook_signature_failures_total{provider="stripe"}' in client.get("/metrics").text


@pytest.mark.parametrize("order_id", [{"$ne": None}, "a.*", ["x"], "x" * 65], ids=["operator", "regex", "list", "long"])
def test_a_signed_event_with_a_malformed_order_id_changes_nothing(client, adapter, order_id):
    _, made = checkout(adapter)
    pay(made.url, "4242424242424242")
    body = completed("placeholder", made.session_id).replace(b'"placeholder"', json.dumps(order_id).encode())
    answer = client.post("/api/payments/webhooks/stripe", data=body, headers=signed(body))
    assert answer.status_code == 200 and answer.json["outcome"] == "unchanged"


def test_a_signed_body_that_is_not_json_is_400(client):
    body = b"not json"
    assert client.post("/api/payments/webhooks/stripe", data=body, headers=signed(body)).status_code == 400


def test_an_oversized_webhook_is_413(client):
    body = b"{" + b" " * (3 * 1024 * 1024) + b"}"
    assert client.post("/api/payments/webhooks/stripe", data=body, headers=signed(body)).status_code == 413
