"""The cart in Chromium: add to cart with the mini-cart updating in place, the cart page, the guest merge."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.pages.auth import SignInPage, SignUpPage
from tests.browser.pages.cart import CartPage
from tests.browser.pages.products import ProductPage, cart_count


def add(page, lineup, word: str, quantity: int = 1, js: bool = True) -> ProductPage:
    """Add from the product page and wait until the cart has it: the status line (htmx) or the redirect back."""
    product = ProductPage(page).navigate(lineup.ids[word])
    if js:
        product.add_to_cart(quantity)
        expect(product.status).to_contain_text("Added to your cart")
    else:
        with page.expect_navigation(url=re.compile(rf"/products/{lineup.ids[word]}$")):
            product.add_to_cart(quantity)
    return product


def test_adding_to_the_cart_updates_the_mini_cart_in_place(page, lineup):
    product = ProductPage(page).navigate(lineup.ids["Alpha"])
    expect(product.mini_cart).to_have_accessible_name(cart_count(0))
    page.evaluate("window.__sameDocument = true")
    product.add_to_cart(2)
    expect(product.status).to_contain_text("Added to your cart")
    expect(product.mini_cart).to_have_accessible_name(cart_count(2))
    assert page.evaluate("window.__sameDocument === true")  # no page load happened


def test_asking_for_more_than_is_left_is_refused_next_to_the_button(page, lineup):
    product = add(page, lineup, "Bravo", 3)
    expect(product.mini_cart).to_have_accessible_name(cart_count(3))
    product.add_to_cart(1)
    expect(product.status).to_have_text("Your cart already holds all 3 available")
    expect(product.mini_cart).to_have_accessible_name(cart_count(3))


def test_without_javascript_add_to_cart_posts_and_comes_back_to_the_product(page_nojs, lineup):
    product = add(page_nojs, lineup, "Delta", 2, js=False)
    expect(page_nojs).to_have_url(re.compile(rf"/products/{lineup.ids['Delta']}$"))
    expect(product.mini_cart).to_have_accessible_name(cart_count(2))


def test_without_javascript_a_refused_add_explains_why_and_links_back(page_nojs, lineup):
    add(page_nojs, lineup, "Bravo", 3, js=False)
    product = ProductPage(page_nojs).navigate(lineup.ids["Bravo"])
    product.quantity.evaluate("el => el.removeAttribute('max')")  # a stale page: stock fell since it loaded
    product.add_to_cart(1)
    expect(page_nojs.get_by_role("alert")).to_have_text("Your cart already holds all 3 available")
    page_nojs.get_by_role("link", name="Go back").click()
    expect(page_nojs).to_have_url(re.compile(rf"/products/{lineup.ids['Bravo']}$"))


def test_the_cart_page_steps_quantities_removes_lines_and_leads_to_checkout(page, lineup):
    add(page, lineup, "Alpha", 1)
    product = add(page, lineup, "Bravo", 2)
    expect(product.mini_cart).to_have_accessible_name(cart_count(3))
    cart = CartPage(page).navigate()
    alpha, bravo = lineup.names["Alpha"], lineup.names["Bravo"]
    expect(cart.lines).to_have_count(2)
    expect(cart.subtotal).to_contain_text("$50.00")
    page.evaluate("window.__sameDocument = true")
    cart.increase(alpha)
    expect(cart.quantity_of(alpha)).to_have_value("2")
    expect(cart.subtotal).to_contain_text("$60.00")
    expect(cart.mini_cart).to_have_accessible_name(cart_count(4))
    cart.increase(bravo)
    expect(cart.quantity_of(bravo)).to_have_value("3")
    cart.set_quantity(bravo, 9)
    expect(cart.line(bravo).get_by_role("alert")).to_have_text("Only 3 available")
    expect(cart.quantity_of(bravo)).to_have_attribute("aria-invalid", "true")
    cart.decrease(bravo)
    expect(cart.quantity_of(bravo)).to_have_value("2")
    cart.remove(alpha)
    expect(cart.lines).to_have_count(1)
    expect(cart.mini_cart).to_have_accessible_name(cart_count(2))
    assert page.evaluate("window.__sameDocument === true")
    cart.checkout.click()
    expect(page).to_have_url(re.compile(r"/checkout"))


def test_the_cart_page_works_without_javascript(page_nojs, lineup):
    add(page_nojs, lineup, "Echo", 1, js=False)
    cart = CartPage(page_nojs).navigate()
    echo = lineup.names["Echo"]
    cart.increase(echo)
    expect(page_nojs).to_have_url(re.compile(r"/cart$"))
    expect(cart.quantity_of(echo)).to_have_value("2")
    cart.set_quantity(echo, 5)
    expect(cart.quantity_of(echo)).to_have_value("5")
    expect(cart.mini_cart).to_have_accessible_name(cart_count(5))
    cart.set_quantity(echo, 50)
    expect(cart.line(echo).get_by_role("alert")).to_have_text("Only 8 available")
    cart.remove(echo)
    expect(cart.empty_message).to_be_visible()
    expect(cart.mini_cart).to_have_accessible_name(cart_count(0))


def register(page, email: str, password: str) -> None:
    SignUpPage(page).navigate()
    page.get_by_label("Name").fill("Merge Tester")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("link", name="Sign out")).to_be_visible()


def sign_in(page, email: str, password: str) -> None:
    SignInPage(page).navigate()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Sign out")).to_be_visible()


def test_a_guest_cart_joins_the_account_at_sign_up_and_again_at_a_later_sign_in(browser, base_url, page, lineup):
    email, password = f"merge-{uuid.uuid4().hex}@example.com", "merge-password-1"
    add(page, lineup, "Alpha", 2)
    register(page, email, password)
    cart = CartPage(page).navigate()
    expect(cart.quantity_of(lineup.names["Alpha"])).to_have_value("2")
    expect(cart.mini_cart).to_have_accessible_name(cart_count(2))

    other = browser.new_context(base_url=base_url).new_page()  # another device, still a guest there
    try:
        add(other, lineup, "Alpha", 1)
        add(other, lineup, "Delta", 1)
        sign_in(other, email, password)
        cart = CartPage(other).navigate()
        expect(cart.quantity_of(lineup.names["Alpha"])).to_have_value("3")
        expect(cart.quantity_of(lineup.names["Delta"])).to_have_value("1")
        expect(cart.mini_cart).to_have_accessible_name(cart_count(4))
    finally:
        other.context.close()


@pytest.mark.parametrize("kind", ["page", "page_nojs"], ids=["js", "nojs"])
@pytest.mark.parametrize("width", [390, 1280])
def test_a_promo_code_is_refused_beside_its_field_then_applied_with_the_breakdown(request, kind, width, lineup):
    page = request.getfixturevalue(kind)
    page.set_viewport_size({"width": width, "height": 900})
    add(page, lineup, "Alpha", 2, js=kind == "page")  # $20: under WELCOME10's $30 minimum
    cart = CartPage(page).navigate()
    summary = cart.region.locator(".breakdown")
    expect(summary).to_contain_text("Subtotal$20.00")
    code = cart.region.get_by_label("Promo code")
    code.fill("NOSUCHCODE")
    cart.region.get_by_role("button", name="Apply").click()
    expect(code).to_have_accessible_description("This promo code does not exist")
    code.fill("welcome10")
    cart.region.get_by_role("button", name="Apply").click()
    expect(code).to_have_accessible_description("This promo code needs a spend of at least 30.00 USD")
    cart.set_quantity(lineup.names["Alpha"], 4)
    expect(cart.quantity_of(lineup.names["Alpha"])).to_have_value("4")
    code = cart.region.get_by_label("Promo code")
    expect(code).to_have_accessible_description("")  # the swapped page: the refusal went with the old one
    code.fill("welcome10")
    cart.region.get_by_role("button", name="Apply").click()
    expect(code).to_have_accessible_description("WELCOME10 applied.")
    expect(summary).to_contain_text("Discount (WELCOME10)−$4.00")
    expect(summary).to_contain_text("Total")
    cart.region.get_by_role("button", name="Remove code WELCOME10").click()
    expect(summary).not_to_contain_text("Discount")
