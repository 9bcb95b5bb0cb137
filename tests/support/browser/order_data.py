"""Orders of the browser tests' own, placed through the API and moved on by the real saga."""

from __future__ import annotations

import uuid

import requests

from devstack.accounts import admin_headers
from tests.support.accounts_apps import bearer, new_user
from tests.support.payflow import pay_order
from tests.support.polling import wait_until

ADDRESS = {"name": "Ada", "line1": "1 Main St", "city": "Springfield", "postal_code": "12345", "country": "US"}


def confirmed_order(gateway_url: str, user: dict | None = None, phone: str | None = None) -> tuple[dict, str]:
    """A shopper (new unless given) with an order the saga has confirmed (paid with the approving test card on the
    provider's page); a phone is sent with the order as the checkout sends the profile's."""
    user = user or new_user(gateway_url)
    listed = requests.get(f"{gateway_url}/api/products", params={"per_page": 50}, timeout=10).json()["items"]
    levels = requests.get(
        f"{gateway_url}/api/inventory", params={"skus": ",".join(p["sku"] for p in listed)}, timeout=10
    ).json()["items"]
    plenty = {s["sku"] for s in levels if s["available"] >= 5}
    product = next(p for p in listed if p["sku"] in plenty)
    order = requests.post(
        f"{gateway_url}/api/orders",
        timeout=10,
        headers={**bearer(user), "Idempotency-Key": uuid.uuid4().hex},
        json={
            "address": ADDRESS,
            "lines": [{"product_id": product["id"], "quantity": 1}],
            **({"phone": phone} if phone else {}),
        },
    ).json()
    assert pay_order(gateway_url, bearer(user), order["id"]).status_code == 303  # on the provider's page
    wait_until(
        lambda: (
            requests.get(f"{gateway_url}/api/orders/{order['id']}", headers=bearer(user), timeout=5).json()["status"]
            == "CONFIRMED"
        ),
        timeout=30,
        interval=0.2,
        message="the saga to confirm the order",
    )
    return user, order["id"]


def ship_behind_the_page(gateway_url: str, order_id: str) -> None:
    """The shop ships the order from another tab while the page still shows it unshipped."""
    r = requests.post(f"{gateway_url}/api/orders/{order_id}/ship", headers=admin_headers(gateway_url), timeout=10)
    assert r.status_code in (200, 202), r.text
