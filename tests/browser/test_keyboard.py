"""A purchase with the keyboard alone (Tab, Shift+Tab, typing, Enter and Space; no pointer), JavaScript on."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.pages.cart import CartPage
from tests.browser.pages.checkout import CheckoutPage, OrderConfirmation, ProviderPage
from tests.browser.pages.products import ProductPage, cart_count
from tests.support.accounts_apps import new_user
from tests.support.browser.catalog_data import create_lineup
from tests.support.browser.keyboard import is_focused, tab_to, type_into


def test_a_shopper_signs_in_adds_to_cart_and_buys_with_the_keyboard_alone(page, gateway_url):
    lineup = create_lineup(gateway_url)
    user = new_user(gateway_url, name="Keys Only")
    page.goto(f"/login?next=/products/{lineup.ids['Alpha']}")
    panel = page.locator("#auth-panel")
    type_into(page, panel.get_by_label("Email"), user["email"])
    type_into(page, panel.get_by_label("Password"), user["password"])
    page.keyboard.press("Enter")

    product = ProductPage(page)
    expect(product.title).to_have_text(lineup.names["Alpha"])
    page.wait_for_load_state("load")  # htmx (deferred) has wired the form
    tab_to(page, product.add_button)
    page.keyboard.press("Enter")
    expect(product.status).to_contain_text("Added to your cart")
    expect(product.mini_cart).to_have_accessible_name(cart_count(1))
    tab_to(page, product.mini_cart, backwards=True)  # the header is above the form
    page.keyboard.press("Enter")

    cart = CartPage(page)
    expect(cart.line(lineup.names["Alpha"])).to_be_visible()
    tab_to(page, cart.checkout)
    page.keyboard.press("Enter")

    checkout = CheckoutPage(page)
    expect(checkout.field("Name")).to_be_visible()
    for label, value in (
        ("Name", "Ada Keys"),
        ("Address", "1 Tab Street"),
        ("City", "Leeds"),
        ("Postal code", "LS1 1AA"),
        ("Country", "United Kingdom"),  # type-ahead in the country list
    ):
        type_into(page, checkout.field(label), value)
    tab_to(page, checkout.field("Postal code"), backwards=True)  # Enter in a text field submits its form (not a list)
    page.keyboard.press("Enter")

    standard = checkout.delivery.get_by_role("radio", name=re.compile("^Standard"))
    expect(standard).to_be_checked()  # the first option is picked already; arrows move within the group
    tab_to(page, standard)
    page.keyboard.press("ArrowDown")
    expect(checkout.delivery.get_by_role("radio", name=re.compile("^Express"))).to_be_checked()
    tab_to(page, checkout.region.get_by_role("button", name="Continue to review"))
    page.keyboard.press("Space")

    expect(checkout.place_order_button).to_be_visible()
    tab_to(page, checkout.place_order_button)
    assert is_focused(checkout.place_order_button)
    page.keyboard.press("Space")

    ProviderPage(page)  # the provider's own page, by keyboard too
    type_into(page, page.get_by_label("Card number"), "4242424242424242")
    type_into(page, page.get_by_label("Expiry"), "12 / 34")
    type_into(page, page.get_by_label("CVC"), "123")
    tab_to(page, page.get_by_role("button", name="Pay"))
    page.keyboard.press("Space")

    confirmation = OrderConfirmation(page)
    confirmation.order_id()
    expect(confirmation.status).to_have_text("Confirmed", timeout=30_000)
