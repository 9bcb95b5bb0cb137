"""Products of the browser tests' own, made through the admin API so no other test can change them."""

from __future__ import annotations

import io
import uuid
from types import SimpleNamespace

import requests
from PIL import Image

from devstack.accounts import admin_headers
from tests.support.polling import wait_until

# name, price in cents, units in stock: prices step by $10 so filters and sorts have one right answer.
LINEUP = (("Alpha", 1000, 50), ("Bravo", 2000, 3), ("Charlie", 3000, 0), ("Delta", 4000, 20), ("Echo", 5000, 8))


def create_lineup(gateway_url: str) -> SimpleNamespace:
    """Five products in a category of their own, each with its stock in inventory (which arrives by event)."""
    tag = uuid.uuid4().hex[:10]
    category, headers = f"bt-{tag}", admin_headers(gateway_url)
    made = {}
    for word, price, units in LINEUP:
        body = {
            "name": f"{word} {tag}",
            "description": f"Browser test item {word.lower()}.",
            "price": price,
            "category": category,
            "sku": f"BT-{uuid.uuid4().hex}",
            "initial_stock": units,
        }
        r = requests.post(f"{gateway_url}/api/products", json=body, headers=headers, timeout=10)
        r.raise_for_status()
        made[word] = r.json()
    skus = ",".join(p["sku"] for p in made.values())
    wait_until(
        lambda: (
            len(requests.get(f"{gateway_url}/api/inventory", params={"skus": skus}, timeout=5).json()["items"]) == 5
        ),
        interval=0.1,
        message="inventory to create the lineup's stock",
    )
    return SimpleNamespace(
        tag=tag,
        category=category,
        category_label=category.capitalize(),
        names={w: p["name"] for w, p in made.items()},
        ids={w: p["id"] for w, p in made.items()},
    )


def photo(shade: int) -> bytes:
    """A 900×700 JPEG of its own (the shade makes each one different bytes)."""
    buf = io.BytesIO()
    Image.linear_gradient("L").resize((900, 700)).point(lambda v: (v + shade) % 256).convert("RGB").save(buf, "JPEG")
    return buf.getvalue()


# name, its sizes and colours, units per variant: three shirts of a category of their own (the facets' test).
SIZED = (
    ("Linen", ("S", "M"), ("Sand", "Navy"), 5),
    ("Oxford", ("M", "L"), ("Navy",), 5),
    ("Flannel", ("L",), ("Red",), 0),
)


def create_sized_lineup(gateway_url: str) -> SimpleNamespace:
    """Products with options Size and Colour, one variant per combination; the Flannel has no stock at all."""
    tag = uuid.uuid4().hex[:10]
    category, headers = f"bt-{tag}", admin_headers(gateway_url)
    names = {}
    for word, sizes, colours, units in SIZED:
        body = {
            "name": f"{word} {tag}",
            "price": 3000,
            "category": category,
            "sku": f"BT-{uuid.uuid4().hex[:20]}",
            "options": [{"name": "Size", "values": list(sizes)}, {"name": "Colour", "values": list(colours)}],
            "variants": [
                {"options": {"Size": size, "Colour": colour}, "initial_stock": units}
                for size in sizes
                for colour in colours
            ],
        }
        requests.post(f"{gateway_url}/api/products", json=body, headers=headers, timeout=10).raise_for_status()
        names[word] = body["name"]
    return SimpleNamespace(tag=tag, category=category, names=names)
