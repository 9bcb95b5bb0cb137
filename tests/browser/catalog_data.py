"""Products of the browser tests' own, made through the admin API so no other test can change them."""
from __future__ import annotations

import time
import uuid
from types import SimpleNamespace

import requests

from devstack.processes import LOCAL_DEFAULTS

# name, price in cents, units in stock: prices step by $10 so filters and sorts have one right answer.
LINEUP = (("Alpha", 1000, 50), ("Bravo", 2000, 3), ("Charlie", 3000, 0), ("Delta", 4000, 20), ("Echo", 5000, 8))


def admin_headers(gateway_url: str) -> dict:
    r = requests.post(f"{gateway_url}/api/auth/login", timeout=10, json={
        "email": LOCAL_DEFAULTS["ADMIN_EMAIL"], "password": LOCAL_DEFAULTS["ADMIN_PASSWORD"]})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def create_lineup(gateway_url: str) -> SimpleNamespace:
    """Five products in a category of their own, each with its stock in inventory (which arrives by event)."""
    tag = uuid.uuid4().hex[:10]
    category, headers = f"bt-{tag}", admin_headers(gateway_url)
    made = {}
    for word, price, units in LINEUP:
        body = {"name": f"{word} {tag}", "description": f"Browser test item {word.lower()}.", "price": price,
                "category": category, "sku": f"BT-{uuid.uuid4().hex}", "initial_stock": units}
        r = requests.post(f"{gateway_url}/api/products", json=body, headers=headers, timeout=10)
        r.raise_for_status()
        made[word] = r.json()
    deadline = time.monotonic() + 30
    skus = ",".join(p["sku"] for p in made.values())
    while len(requests.get(f"{gateway_url}/api/inventory", params={"skus": skus}, timeout=5).json()["items"]) < 5:
        if time.monotonic() > deadline:
            raise AssertionError("inventory never created the lineup's stock")
        time.sleep(0.1)
    return SimpleNamespace(tag=tag, category=category, category_label=category.capitalize(),
                           names={w: p["name"] for w, p in made.items()}, ids={w: p["id"] for w, p in made.items()})
