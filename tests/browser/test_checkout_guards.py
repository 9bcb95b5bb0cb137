"""Checkout's guards: a line the shop can't fill is flagged in the cart and must be fixed before checkout, and going
back after ordering leads to the order, never to an empty "Review your order"."""

from __future__ import annotations

import contextlib
import re
import uuid

import requests
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from devstack.accounts import admin_headers
from tests.browser.pages.auth import use_session
from tests.browser.pages.cart import CartPage
from tests.browser.pages.checkout import CheckoutPage
from tests.support.accounts_apps import bearer, new_user
from tests.support.browser.catalog_data import create_lineup
from tests.support.browser.variants import EVERY_WAY, open_browser


def shopper_with(gateway_url: str, base_url: str, page, lineup, *lines: tuple[str, int]) -> dict:
    user = new_user(gateway_url, name=f"Shopper {uuid.uuid4().hex[:6]}")
    for word, quantity in lines:
        r = requests.post(
            f"{gateway_url}/api/cart/items",
            json={"product_id": lineup.ids[word], "quantity": quantity},
            headers=bearer(user),
            timeout=10,
        )
        assert r.status_code in (200, 201), r.text
    use_session(page, base_url, user)
    return user


@EVERY_WAY
def test_a_line_out_of_stock_is_flagged_and_checkout_says_to_fix_it_first(kind, width, request, base_url, gateway_url):
    lineup = create_lineup(gateway_url)
    page = open_browser(request, kind, width)
    shopper_with(gateway_url, base_url, page, lineup, ("Alpha", 1), ("Bravo", 2))
    sku = requests.get(f"{gateway_url}/api/products/{lineup.ids['Bravo']}", timeout=5).json()["sku"]
    r = requests.put(
        f"{gateway_url}/api/inventory/{sku}", json={"quantity": 0}, headers=admin_headers(gateway_url), timeout=10
    )
    assert r.status_code == 200, r.text  # sold out elsewhere while it sat in this cart
    cart = CartPage(page).navigate()
    expect(cart.line(lineup.names["Bravo"])).to_contain_text("Out of stock")
    expect(cart.checkout).to_have_accessible_description(
        "Remove or reduce the line marked above before you check out: we can't send more than we have."
    )
    cart.checkout.click()
    expect(page.get_by_role("heading", name="Your cart needs a change first")).to_be_visible()
    expect(page.locator("#checkout")).to_contain_text(lineup.names["Bravo"])
    page.get_by_role("link", name="Back to your cart").click()
    cart.wait_for_htmx()
    cart.remove(lineup.names["Bravo"])
    expect(cart.lines).to_have_count(1)
    cart.checkout.click()
    expect(page.get_by_role("heading", name="Shipping address")).to_be_visible()


@EVERY_WAY
def test_back_after_ordering_shows_the_order_not_an_empty_review(kind, width, request, base_url, gateway_url):
    lineup = create_lineup(gateway_url)
    page = open_browser(request, kind, width)
    shopper_with(gateway_url, base_url, page, lineup, ("Alpha", 2))
    checkout = CheckoutPage(page).start_from_cart()
    checkout.enter_address("Ada Lovelace", "12 Analytical Row", "London", "N1 9GU", "GB")
    expect(checkout.place_order_button).to_be_visible()
    checkout.place_order()  # at the provider's page
    with contextlib.suppress(PlaywrightError):  # the review entry redirects: Chromium may report that as aborted
        page.go_back()
    expect(page.get_by_role("heading", name=re.compile(r"^Order [0-9a-f]{8}$"))).to_be_visible()
    expect(page.get_by_text("Review your order")).to_have_count(0)
