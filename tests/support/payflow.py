"""Paying as a shopper does: on the payment provider's hosted page (the local stand-in), never through our processes.

`pay_standin()` runs the stand-in as its own process (as devstack does) and gives its settings for an app's config;
`Standin.hook(url)` points its signed webhooks at a payments service; `pay(page_url, card)` types a card on the
hosted page as a browser without JavaScript would, and `authenticate(page_url, ok)` answers a 3-D Secure challenge.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import requests

from devstack.probes import free_port
from devstack.processes import ROOT

# DESIGN.md's test cards, honoured by the stand-in as the provider honours them.
CARDS = {
    "approve": "4242424242424242",
    "decline": "4000000000000002",
    "no_funds": "4000000000009995",
    "transient": "4000000000000119",
    "3ds": "4000002760003184",
}


@dataclass(frozen=True)
class Standin:
    url: str
    key: str
    secret: str

    def settings(self) -> dict:
        """What a payments service (and the shell, for its CSP) needs in its config to use this provider."""
        return {
            "stripe_api_key": self.key,
            "stripe_webhook_secret": self.secret,
            "payment_provider_url": self.url,
            "payment_page_origin": self.url,
        }

    def objects(self, kind: str, **match) -> list[dict]:
        """What the provider holds of `kind` ("payment_intents", "refunds"), through Stripe's list API page by page,
        keeping those whose fields equal `match`."""
        found: list[dict] = []
        params: dict = {"limit": 100}
        while True:
            r = requests.get(f"{self.url}/v1/{kind}", params=params, auth=(self.key, ""), timeout=5)
            assert r.ok, r.text
            page = r.json()
            found += page["data"]
            if not page.get("has_more") or not page["data"]:
                return [o for o in found if all(o.get(k) == v for k, v in match.items())]
            params["starting_after"] = page["data"][-1]["id"]

    def hook(self, url: str) -> None:
        """Send the provider's signed events to `url` (a payments service's /api/payments/webhooks/stripe)."""
        r = requests.post(f"{self.url}/_config/webhooks/fragmart", data={"url": url, "secret": self.secret}, timeout=5)
        assert r.ok, r.text


@contextmanager
def pay_standin(webhook_url: str | None = None) -> Iterator[Standin]:
    """The provider stand-in on a free port, as its own process; its store lives and dies with it."""
    port, key, secret = free_port(), "sk_test_" + secrets.token_hex(8), "whsec_" + secrets.token_hex(8)
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "STRIPE_WEBHOOK_SECRET": secret,
        "STRIPE_WEBHOOK_URL": webhook_url or f"{url}/nowhere",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("PAY_STANDIN_PUBLIC_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "devstack.pay_standin", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/healthz", timeout=1).ok:
                    break
            except requests.ConnectionError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)  # waiting for a process to listen, not for a result
        yield Standin(url, key, secret)
    finally:
        proc.terminate()
        proc.wait(10)


def pay(page_url: str, card: str = "approve", session: requests.Session | None = None) -> requests.Response:
    """Type `card` (a CARDS name or a number) on the provider's hosted page and press "Pay", as a browser without
    JavaScript would. The answer is the provider's: a 303 to the shop (paid), to its 3-D Secure challenge, or the
    page again with the refusal (402)."""
    http = session or requests.Session()
    page = http.get(page_url, timeout=10)
    assert page.status_code == 200 and "Card number" in page.text, page.text[:300]
    form = {"number": CARDS.get(card, card), "exp": "12 / 34", "cvc": "123"}
    return http.post(page_url, data=form, allow_redirects=False, timeout=10)


def authenticate(page_url: str, ok: bool = True) -> requests.Response:
    """Answer the 3-D Secure challenge with "Complete" or "Fail"."""
    return requests.post(
        f"{page_url}/authenticate", data={"result": "complete" if ok else "fail"}, allow_redirects=False, timeout=10
    )


def pay_order(gateway_url: str, headers: dict, order_id: str, card: str = "approve", timeout: float = 30.0):
    """Pay a placed order through the public API as the storefront does: once its stock is held, the payments service
    gives the provider's page for it, and the card is typed there. Returns the provider's answer."""
    deadline = time.monotonic() + timeout
    while True:
        r = requests.post(
            f"{gateway_url}/api/payments/checkouts", json={"order_id": order_id}, headers=headers, timeout=10
        )
        if r.status_code == 201:
            return pay(r.json()["url"], card)
        assert r.status_code == 409 and r.json()["error"] == "PAYMENT_NOT_READY", r.text
        assert time.monotonic() < deadline, f"order {order_id} never became payable"
        time.sleep(0.1)  # the saga reserves the stock in its own time; the shopper's browser waits the same way
