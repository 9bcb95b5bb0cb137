"""Every page has its own title (the product's name, the order number, the checkout step), and a form with errors
starts its title with "Error:" above a summary linking each message to its field."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import expect

from tests.browser.pages.auth import use_session
from tests.browser.pages.checkout import CheckoutPage, OrderPage
from tests.browser.pages.products import ProductPage
from tests.support.accounts_apps import bearer
from tests.support.browser.catalog_data import create_lineup
from tests.support.browser.order_data import confirmed_order
from tests.support.browser.variants import EVERY_WAY, open_browser


@EVERY_WAY
def test_pages_are_titled_by_what_they_show_and_a_form_with_errors_says_so_first(
    kind, width, request, base_url, gateway_url
):
    lineup = create_lineup(gateway_url)
    user, order_id = confirmed_order(gateway_url)
    r = requests.post(
        f"{gateway_url}/api/cart/items",
        json={"product_id": lineup.ids["Alpha"], "quantity": 1},
        headers=bearer(user),
        timeout=10,
    )
    assert r.status_code in (200, 201), r.text
    page = open_browser(request, kind, width)
    use_session(page, base_url, user)
    ProductPage(page).navigate(lineup.ids["Alpha"])
    expect(page).to_have_title(f"{lineup.names['Alpha']} · Fragmart")
    OrderPage(page).navigate(order_id)
    expect(page).to_have_title(f"Order {order_id[:8]} · Fragmart")

    checkout = CheckoutPage(page).start_from_cart()
    expect(page).to_have_title("Shipping address · Checkout · Fragmart")
    checkout.region.get_by_role("button", name="Continue to delivery").click()
    expect(page).to_have_title("Error: Shipping address · Checkout · Fragmart")
    summary = checkout.region.get_by_role("alert").filter(has=page.get_by_role("heading", name="There is a problem"))
    link = summary.get_by_role("link", name="Enter the city.")
    expect(link).to_have_attribute("href", "#f-city")
    expect(checkout.field("City")).to_have_attribute("id", "f-city")
    link.click()
    expect(page).to_have_url(re.compile("#f-city$"))


def test_a_new_visitor_sees_a_different_title_on_each_storefront_page(page):
    seen = {}
    for path in ("/", "/products", "/cart", "/login", "/register", "/shipping", "/returns", "/contact"):
        page.goto(path)
        seen[path] = page.title()
    assert len(set(seen.values())) == len(seen), seen
