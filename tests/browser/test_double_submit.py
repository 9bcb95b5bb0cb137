"""A double click on "Add to cart" adds one (with JavaScript the button is disabled and busy while the add is in
flight; without it the second identical post carries the same form key), and a later click is a new add."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.pages.cart import CartPage
from tests.browser.pages.products import ProductPage, cart_count
from tests.support.browser.catalog_data import create_lineup
from tests.support.browser.variants import EVERY_WAY, open_browser


@EVERY_WAY
def test_a_double_click_on_add_to_cart_adds_one_and_the_next_click_adds_another(kind, width, request, gateway_url):
    lineup = create_lineup(gateway_url)
    page = open_browser(request, kind, width)
    product = ProductPage(page).navigate(lineup.ids["Alpha"])
    product.add_button.dblclick()
    if kind == "page":
        expect(product.status).to_have_text(re.compile("Added to your cart"))
    else:
        expect(page).to_have_url(re.compile(rf"/products/{lineup.ids['Alpha']}$"))
    cart = CartPage(page).navigate()
    expect(cart.quantity_of(lineup.names["Alpha"])).to_have_value("1")

    product = ProductPage(page).navigate(lineup.ids["Alpha"])
    if kind == "page":  # hold the add in flight, to see the button while it is
        held = []
        page.route("**/f/cart/add", lambda route: held.append(route))
        product.add_button.click()
        expect(product.add_button).to_be_disabled()
        expect(product.region.locator("form.htmx-request")).to_have_count(1)  # styled busy (site.css)
        held[0].continue_()
        page.unroute("**/f/cart/add")
        expect(page.get_by_role("link", name=cart_count(2))).to_be_visible()
        expect(product.add_button).to_be_enabled()
        product.add_button.click()  # the same form on the page, a new submission: it was given a new key
        expect(page.get_by_role("link", name=cart_count(3))).to_be_visible()
    else:
        product.add_button.click()
        expect(page.get_by_role("link", name=cart_count(2))).to_be_visible()
    cart = CartPage(page).navigate()
    expect(cart.quantity_of(lineup.names["Alpha"])).to_have_value("3" if kind == "page" else "2")
