""" "You may also like" in Chromium: under the product page and the cart, with and without JavaScript, on a desktop
and a phone; and a real confirmed order (through the broker) putting what was bought together first."""

from __future__ import annotations

import uuid

import requests
from playwright.sync_api import expect

from tests.browser.pages.cart import CartPage
from tests.browser.pages.products import ProductPage, RelatedProducts, cart_count
from tests.support.accounts_apps import bearer, new_user
from tests.support.browser.catalog_data import create_lineup
from tests.support.browser.order_data import ADDRESS
from tests.support.browser.variants import EVERY_WAY, open_browser
from tests.support.payflow import pay_order
from tests.support.polling import wait_until


@EVERY_WAY
def test_the_product_page_offers_four_other_products_of_its_category_that_lead_to_their_pages(
    request, kind, width, lineup
):
    page = open_browser(request, kind, width)
    ProductPage(page).navigate(lineup.ids["Alpha"])
    related = RelatedProducts(page)
    expect(related.region).to_be_visible()
    expect(related.region.get_by_role("heading", name="You may also like")).to_be_visible()
    expect(related.product_links).to_have_text([lineup.names[w] for w in ("Bravo", "Charlie", "Delta", "Echo")])
    related.choose(lineup.names["Delta"])
    expect(ProductPage(page).title).to_have_text(lineup.names["Delta"])
    expect(related.product_links).to_have_text([lineup.names[w] for w in ("Alpha", "Bravo", "Charlie", "Echo")])


@EVERY_WAY
def test_the_cart_offers_products_related_to_its_lines_and_never_one_already_in_it(request, kind, width, lineup):
    page = open_browser(request, kind, width)
    product = ProductPage(page).navigate(lineup.ids["Bravo"])
    product.add_to_cart(1)
    expect(product.mini_cart).to_have_accessible_name(cart_count(1))
    cart = CartPage(page).navigate()
    related = RelatedProducts(page)
    expect(cart.lines).to_have_count(1)
    expect(related.product_links).to_have_text([lineup.names[w] for w in ("Alpha", "Charlie", "Delta", "Echo")])
    cart.remove(lineup.names["Bravo"])
    expect(cart.empty_message).to_be_visible()
    expect(related.region).to_have_count(0)  # with htmx the region asked again on cart-changed; without, a new page


def test_a_confirmed_order_puts_what_was_bought_with_a_product_first(page, gateway_url):
    lineup = create_lineup(gateway_url)  # its own: the order's sales would reorder the other tests' regions

    def first_related() -> str:
        items = requests.get(f"{gateway_url}/api/products/{lineup.ids['Bravo']}/related", timeout=5).json()["items"]
        return items[0]["id"] if items else ""

    assert first_related() == lineup.ids["Alpha"]  # by name while nothing has sold
    user = new_user(gateway_url)
    lines = [{"product_id": lineup.ids[w], "quantity": 1} for w in ("Bravo", "Echo")]
    order = requests.post(
        f"{gateway_url}/api/orders",
        timeout=10,
        headers={**bearer(user), "Idempotency-Key": uuid.uuid4().hex},
        json={"address": ADDRESS, "lines": lines},
    ).json()
    assert pay_order(gateway_url, bearer(user), order["id"]).status_code == 303

    wait_until(
        lambda: first_related() == lineup.ids["Echo"],
        timeout=40,
        interval=0.3,
        message="order.confirmed to reach the products service",
    )
    ProductPage(page).navigate(lineup.ids["Bravo"])  # its first visit: no cached region to outlive the order
    expect(RelatedProducts(page).product_links.first).to_have_text(lineup.names["Echo"])
