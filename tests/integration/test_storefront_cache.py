"""The fragment cache across the running system: shoppers never see each other's pages, and a price change shows
within the stated bound (max-age 2 s + stale-while-revalidate 3 s = 5 s)."""

from __future__ import annotations

import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from common.auth.session import ACCESS_COOKIE, REFRESH_COOKIE
from devstack.accounts import admin_headers
from tests.support.checkout_system import ADDRESS
from tests.support.polling import wait_until
from tests.support.storefront_cache import BOUND

HTMX = {"HX-Request": "true"}


def shopper(gateway_url: str, shell_url: str, product: dict) -> dict:
    """A new account with one placed order and `product` in its cart, and a browser session for the shell."""
    name = f"Shopper {uuid.uuid4().hex[:8]}"
    r = requests.post(
        f"{gateway_url}/api/auth/register",
        timeout=10,
        json={"name": name, "email": f"{uuid.uuid4().hex[:12]}@example.com", "password": "secret-pass-1"},
    )
    assert r.status_code == 201, r.text
    tokens = r.json()
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    order = requests.post(
        f"{gateway_url}/api/orders",
        timeout=10,
        headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
        json={"address": ADDRESS, "lines": [{"product_id": product["id"], "quantity": 1}]},
    )
    assert order.status_code == 202, order.text
    added = requests.post(
        f"{gateway_url}/api/cart/items", headers=auth, timeout=10, json={"product_id": product["id"], "quantity": 2}
    )
    assert added.status_code in (200, 201), added.text
    browser = requests.Session()
    browser.cookies.set(ACCESS_COOKIE, tokens["access_token"])
    browser.cookies.set(REFRESH_COOKIE, tokens["refresh_token"])
    return {"name": name, "order": order.json()["id"], "product": product["name"], "browser": browser}


def test_two_shoppers_and_a_guest_browsing_at_once_each_see_only_their_own(gateway_url, shell_url):
    listed = requests.get(f"{gateway_url}/api/products", params={"per_page": 50}, timeout=10).json()["items"]

    def well_stocked() -> list[dict]:
        stock = requests.get(
            f"{gateway_url}/api/inventory", params={"skus": ",".join(p["sku"] for p in listed)}, timeout=10
        ).json()["items"]
        plenty = {s["sku"] for s in stock if s["available"] >= 10}
        return [p for p in listed if p["sku"] in plenty]

    # A fresh stack may still be seeding its stock: wait for two products each shopper can order from.
    catalog = wait_until(lambda: len(found := well_stocked()) >= 2 and found, message="two well-stocked products")
    a, b = shopper(gateway_url, shell_url, catalog[0]), shopper(gateway_url, shell_url, catalog[1])
    guest = {"name": None, "order": None, "product": None, "browser": requests.Session()}
    everyone = (a, b, guest)

    def browse(me: dict) -> int:
        others = [p for p in everyone if p is not me and p["name"]]
        pages = 0
        for _ in range(5):
            for path, headers in (
                ("/", {}),
                ("/cart", {}),
                ("/orders", {}),
                ("/f/auth/badge", HTMX),
                ("/f/cart/mini", HTMX),
                (f"/products/{catalog[0]['id']}", {}),
            ):
                html = me["browser"].get(f"{shell_url}{path}", headers=headers, timeout=10).text
                for other in others:
                    assert other["name"] not in html and other["order"] not in html, (path, other["name"])
                if me["name"] and path in ("/", "/f/auth/badge"):
                    assert me["name"] in html, path
                if me["name"] and path == "/orders":
                    assert me["order"][:8] in html or me["order"] in html, path
                if path == "/f/cart/mini":
                    assert ("2 items" in html) == bool(me["name"]), html
                pages += 1
        return pages

    with ThreadPoolExecutor(max_workers=3) as pool:
        assert sum(pool.map(browse, everyone)) == 3 * 5 * 6


@pytest.fixture
def featured(gateway_url):
    """A featured product, its price restored after the test."""
    admin = admin_headers(gateway_url)
    product = requests.get(
        f"{gateway_url}/api/products", params={"featured": "true", "per_page": 8, "sort": "name"}, timeout=10
    ).json()["items"][0]
    yield product, admin
    requests.patch(
        f"{gateway_url}/api/products/{product['id']}", json={"price": product["price"]}, headers=admin, timeout=10
    )


def test_an_admin_price_change_shows_on_home_grid_and_product_pages_within_the_bound(gateway_url, shell_url, featured):
    product, admin = featured
    pages = ("/", f"/products?q={product['name']}", f"/products/{product['id']}")
    for path in pages:  # warm: each page's fragment is in the shell's cache now
        assert requests.get(f"{shell_url}{path}", timeout=10).status_code == 200
    new_price = product["price"] + 1234
    shown = f"${new_price // 100:,}.{new_price % 100:02d}"
    r = requests.patch(
        f"{gateway_url}/api/products/{product['id']}", json={"price": new_price}, headers=admin, timeout=10
    )
    assert r.status_code == 200, r.text
    changed = time.monotonic()
    for path in pages:
        left = max(BOUND - (time.monotonic() - changed), 0.1)
        wait_until(
            lambda path=path: shown in requests.get(f"{shell_url}{path}", timeout=5).text,
            timeout=left,
            interval=0.1,
            message=f"the new price on {path} within {BOUND} s",
        )


def _served(shell_url: str, fragment: str, rung: str) -> float:
    text = requests.get(f"{shell_url}/metrics", timeout=10).text
    found = re.search(rf'^fragment_served_total\{{fragment="{fragment}",rung="{rung}"\}} ([0-9.]+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


def test_a_guests_mini_cart_comes_from_the_shell_while_the_cart_app_is_up_and_is_the_fallback_once_it_dies(
    stack, shell_url
):
    def guest_home() -> str:  # no cookies at all: a first visit every time
        r = requests.get(f"{shell_url}/", timeout=10)
        assert r.status_code == 200
        return r.text

    before = _served(shell_url, "cart", "signed-out")
    # The first page may connect to the cart app; while that connection lives the shell asks it no more.
    wait_until(
        lambda: 'aria-label="Cart, 0 items"' in guest_home() and _served(shell_url, "cart", "signed-out") > before,
        timeout=10,
        message="a guest's mini-cart rendered by the shell",
    )
    stack.kill("fragments.cart")
    html = guest_home()
    assert 'id="fallback-minicart"' in html and 'id="featured"' in html


def _pages_served(shell_url: str) -> dict[str, float]:
    text = requests.get(f"{shell_url}/metrics", timeout=10).text
    return {s: float(v) for s, v in re.findall(r'^page_served_total\{source="(\w+)"\} ([0-9.]+)$', text, re.M)}


MINTED = re.compile(r"fm_csrf=([A-Za-z0-9_-]{43});")
FORM_KEY = re.compile(r'name="form_key" value="([0-9a-f]{32})"')


def _guest_visit(url: str) -> tuple[str, str]:
    """A first visit (no cookies): the token the shell minted for it, and the page it got."""
    r = requests.get(url, timeout=10)
    assert r.status_code == 200, r.status_code
    minted = MINTED.search(r.headers.get("Set-Cookie", ""))
    assert minted is not None, r.headers
    return minted[1], r.text


def test_guests_are_served_a_kept_page_whole_each_with_their_own_token_and_form_keys(gateway_url, shell_url):
    product = requests.get(f"{gateway_url}/api/products", params={"per_page": 1}, timeout=10).json()["items"][0]
    url = f"{shell_url}/products/{product['id']}"

    def kept_once_more() -> bool:  # the first visits ask for the regions; a page made only of fresh entries is kept
        before = _pages_served(shell_url).get("kept", 0)
        _guest_visit(url)
        return _pages_served(shell_url).get("kept", 0) > before

    wait_until(kept_once_more, timeout=10, interval=0.05, message="a guest's product page served whole")
    (token_a, a), (token_b, b) = _guest_visit(url), _guest_visit(url)
    assert token_a != token_b and product["name"] in a
    for token, html, other in ((token_a, a, token_b), (token_b, b, token_a)):
        assert f'"X-CSRF-Token": "{token}"' in html and f'name="csrf_token" value="{token}"' in html
        assert other not in html
    keys_a, keys_b = FORM_KEY.findall(a), FORM_KEY.findall(b)
    assert keys_a and set(keys_a).isdisjoint(keys_b)  # every served form is its own submission
    assert len(set(keys_a)) == len(keys_a)


def test_a_browser_with_a_session_or_an_htmx_request_is_never_served_a_kept_page(shell_url):
    wait_until(lambda: _guest_visit(f"{shell_url}/")[1] and _pages_served(shell_url).get("kept", 0) > 0, timeout=10)
    signed_in = {"Cookie": f"{ACCESS_COOKIE}=not-a-token"}
    for headers in (signed_in, HTMX, {"Cookie": "fm_csrf=<script>alert(1)</script>"}):
        before = _pages_served(shell_url)
        r = requests.get(f"{shell_url}/", headers=headers, timeout=10)
        assert r.status_code == 200 and "<script>alert(1)</script>" not in r.text
        assert _pages_served(shell_url).get("kept") == before.get("kept"), headers
