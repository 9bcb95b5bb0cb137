"""The catalog across the running system: admin changes reach the cache, the inventory and the storefront."""

from __future__ import annotations

import re
import uuid

import pytest
import requests

from devstack import accounts
from tests.support.polling import wait_until
from tests.support.storefront_cache import BOUND


@pytest.fixture(scope="module")
def admin_headers(gateway_url):
    return accounts.admin_headers(gateway_url)


def create(gateway_url, admin_headers, **fields):
    body = {
        "name": f"Integration {uuid.uuid4().hex}",
        "description": "Made by an integration test.",
        "price": 2100,
        "category": "testing",
        "sku": f"IT-{uuid.uuid4().hex}",
        "initial_stock": 7,
        **fields,
    }
    r = requests.post(f"{gateway_url}/api/products", json=body, headers=admin_headers, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def cache_counts(stack) -> dict:
    text = requests.get(f"{stack.url('services.products')}/metrics", timeout=5).text
    return {
        f"{m[0]}:{m[1]}": float(m[2])
        for m in re.findall(r'^products_cache_(hits|misses)_total\{kind="(\w+)"\} ([0-9.]+)$', text, re.M)
    }


def test_a_new_product_gets_its_stock_through_the_broker(gateway_url, admin_headers):
    product = create(gateway_url, admin_headers, initial_stock=7)
    stock = wait_until(
        lambda: (
            (r := requests.get(f"{gateway_url}/api/inventory/{product['sku']}", timeout=5)).status_code == 200
            and r.json()
        ),
        message="inventory to create the stock",
    )
    assert stock == {"sku": product["sku"], "available": 7, "reserved": 0}


def test_an_admin_price_change_through_the_api_is_served_at_once_not_from_a_stale_cache(
    stack, gateway_url, admin_headers
):
    product = create(gateway_url, admin_headers, price=2100)
    query = {"q": product["name"]}
    assert requests.get(f"{gateway_url}/api/products", params=query, timeout=5).json()["items"][0]["price"] == 2100

    def repeated_read_is_a_hit():
        # The product's own product.changed event drops the cache once more when it comes back from the
        # broker, a moment after the create; so ask until two reads in a row show a hit for the second.
        before = cache_counts(stack).get("hits:item", 0)
        for _ in range(2):
            assert requests.get(f"{gateway_url}/api/products/{product['id']}", timeout=5).json()["price"] == 2100
        return cache_counts(stack).get("hits:item", 0) >= before + 1

    wait_until(repeated_read_is_a_hit, timeout=15, interval=0.2, message="a repeated read served from the cache")

    r = requests.patch(
        f"{gateway_url}/api/products/{product['id']}", json={"price": 2600}, headers=admin_headers, timeout=10
    )
    assert r.status_code == 200
    assert requests.get(f"{gateway_url}/api/products", params=query, timeout=5).json()["items"][0]["price"] == 2600
    assert requests.get(f"{gateway_url}/api/products/{product['id']}", timeout=5).json()["price"] == 2600


def test_the_storefront_shows_an_admin_change_within_its_cache_bound(shell_url, gateway_url, admin_headers):
    product = create(gateway_url, admin_headers, price=3100, initial_stock=2)
    page = wait_until(
        lambda: (
            (html := requests.get(f"{shell_url}/products/{product['id']}", timeout=10).text)
            and "Only 2 left" in html
            and html
        ),
        message="the product page to show the stock",
    )
    assert "$31.00" in page
    requests.patch(
        f"{gateway_url}/api/products/{product['id']}", json={"price": 3300}, headers=admin_headers, timeout=10
    )
    wait_until(
        lambda: "$33.00" in requests.get(f"{shell_url}/products/{product['id']}", timeout=10).text,
        timeout=BOUND,
        interval=0.2,
        message=f"the new price within {BOUND} s",
    )


def test_an_admin_count_and_a_deletion_reach_the_storefront(shell_url, gateway_url, admin_headers):
    product = create(gateway_url, admin_headers, initial_stock=9)
    wait_until(
        lambda: requests.get(f"{gateway_url}/api/inventory/{product['sku']}", timeout=5).status_code == 200,
        message="the stock record",
    )
    r = requests.put(
        f"{gateway_url}/api/inventory/{product['sku']}", json={"quantity": 0}, headers=admin_headers, timeout=10
    )
    assert r.status_code == 200 and r.json()["available"] == 0
    html = requests.get(f"{shell_url}/products/{product['id']}", timeout=10).text
    assert "Sold out" in html and "Add to cart</button>" not in html
    assert (
        requests.delete(f"{gateway_url}/api/products/{product['id']}", headers=admin_headers, timeout=10).status_code
        == 204
    )
    wait_until(
        lambda: requests.get(f"{shell_url}/products/{product['id']}", timeout=10).status_code == 404,
        timeout=BOUND,
        interval=0.2,
        message=f"the deleted product's page to be 404 within {BOUND} s",
    )


def test_stock_counted_to_zero_and_back_reaches_in_stock_only_through_the_broker(gateway_url, admin_headers):
    """Inventory's stock.changed, from its outbox through the broker to the catalog's consumer: no request asks."""
    product = create(gateway_url, admin_headers, initial_stock=2)
    wait_until(
        lambda: requests.get(f"{gateway_url}/api/inventory/{product['sku']}", timeout=5).status_code == 200,
        message="inventory to create the stock",
    )
    query = {"q": product["name"], "in_stock": "true"}

    def shown() -> bool:
        return requests.get(f"{gateway_url}/api/products", params=query, timeout=5).json()["total"] == 1

    assert shown()
    for units, expected in ((0, False), (5, True)):
        r = requests.put(
            f"{gateway_url}/api/inventory/{product['sku']}", json={"quantity": units}, headers=admin_headers, timeout=10
        )
        assert r.status_code == 200, r.text
        wait_until(lambda expected=expected: shown() is expected, message=f"'In stock only' to say {expected}")
