"""The home page in Chromium: composed server-side, alive with htmx, resilient to a dead fragment."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.pages.shell import HomePage


def test_the_home_page_shows_a_real_shop_with_javascript(page):
    home = HomePage(page).navigate()
    expect(page).to_have_title(re.compile("Fragmart"))
    expect(home.brand).to_be_visible()
    expect(home.featured_heading).to_be_visible()
    expect(home.product_cards.first).to_contain_text("$")
    assert home.product_cards.count() >= 4
    expect(home.mini_cart).to_have_accessible_name(re.compile(r"Cart, \d+ items?"))
    expect(home.footer).to_be_visible()
    page.wait_for_function("() => typeof window.htmx === 'object'")  # htmx is the only script, and it loaded


def test_the_home_page_is_complete_without_javascript(page_nojs):
    home = HomePage(page_nojs).navigate()
    expect(home.featured_heading).to_be_visible()
    expect(home.product_cards.first).to_be_visible()
    expect(home.product_cards.first.locator(".stock")).to_have_text(re.compile("In stock|Only \\d+ left|Out of stock"))
    expect(home.mini_cart).to_be_visible()


def test_searching_from_the_header_without_javascript_lands_on_the_results(page_nojs):
    home = HomePage(page_nojs).navigate()
    home.search_from_header("kettle")
    expect(page_nojs).to_have_url(re.compile(r"/products\?q=kettle"))
    expect(page_nojs.get_by_role("heading", name="Pour-Over Coffee Kettle")).to_be_visible()


def test_a_killed_fragment_app_leaves_a_fallback_and_the_rest_of_the_page(stack, page):
    stack.kill("fragments.cart")
    home = HomePage(page).navigate()
    expect(home.fallback("minicart")).to_be_visible()
    expect(home.retry("minicart")).to_be_visible()
    expect(home.featured_heading).to_be_visible()
    stack.restart("fragments.cart")
    home.retry("minicart").click()
    expect(home.mini_cart).to_be_visible()
    expect(home.fallback("minicart")).to_have_count(0)
