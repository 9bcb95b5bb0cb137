"""Phones: no page scrolls sideways at 390×844 (storefront and back office, with and without JavaScript), the header
is one row, the catalog's filters fold into "Filters", "Add to cart" is on a product page's first screen, and a
product card's focus ring shows whole."""

from __future__ import annotations

import requests
from playwright.sync_api import expect

from tests.browser.pages.auth import sign_in_as_admin, use_session
from tests.browser.pages.checkout import CheckoutPage
from tests.support.accounts_apps import bearer, new_user
from tests.support.browser.catalog_data import create_lineup
from tests.support.browser.order_data import confirmed_order
from tests.support.browser.variants import BOTH, EVERY_WAY, assert_no_sideways_scroll, open_browser


@BOTH
def test_no_storefront_or_back_office_page_scrolls_sideways_on_a_phone(kind, request, base_url, gateway_url):
    page = open_browser(request, kind, "phone")
    lineup = create_lineup(gateway_url)
    user, order_id = confirmed_order(gateway_url, new_user(gateway_url, name="Bartholomew Featherstonehaugh"))
    for word in ("Alpha", "Bravo"):
        requests.post(
            f"{gateway_url}/api/cart/items",
            json={"product_id": lineup.ids[word], "quantity": 2},
            headers=bearer(user),
            timeout=10,
        ).raise_for_status()
    guest = ["/", "/products", f"/products?q={lineup.tag}", f"/products/{lineup.ids['Alpha']}", "/login", "/register"]
    guest += ["/forgot-password", f"/reset-password/{'t' * 43}", "/products/classic-linen-shirt"]  # sizes, colours
    assert_no_sideways_scroll(page, [*guest, "/shipping", "/returns", "/contact"])
    use_session(page, base_url, user)
    shopper = ["/cart", "/checkout", f"/checkout/return?order={order_id}", f"/checkout/return?order={order_id}&left=1"]
    assert_no_sideways_scroll(page, [*shopper, "/orders", f"/orders/{order_id}", "/profile"])
    checkout = CheckoutPage(page).navigate()  # the steps a draft opens: delivery, then the review
    checkout.enter_address("Bartholomew Featherstonehaugh", "1 Long Lane", "Leeds", "LS1 1AA", "GB", delivery=None)
    assert_no_sideways_scroll(page, ["/checkout/delivery"])
    checkout.navigate("/checkout/delivery")
    checkout.choose_delivery("Express")
    assert_no_sideways_scroll(page, ["/checkout/review"])
    sign_in_as_admin(page, base_url, gateway_url)
    office = ["/admin", "/admin/products", "/admin/products/new", f"/admin/products/{lineup.ids['Alpha']}"]
    office += ["/admin/products/classic-linen-shirt"]  # options and the variants table
    office += ["/admin/inventory", "/admin/orders", f"/admin/orders/{order_id}", "/admin/users"]
    office += [f"/admin/users/{user['id']}", "/admin/events", "/admin/webhooks", "/admin/imports", "/styleguide"]
    office += ["/admin/shipping", "/admin/tax", "/admin/promotions"]
    assert_no_sideways_scroll(page, office)


@EVERY_WAY
def test_the_header_filters_and_add_to_cart_fit_the_screen(kind, width, request, base_url, gateway_url):
    page = open_browser(request, kind, width)
    lineup = create_lineup(gateway_url)
    use_session(page, base_url, new_user(gateway_url, name="Bartholomew Featherstonehaugh"))
    page.goto(f"/products/{lineup.ids['Alpha']}")
    brand, cart = page.locator(".brand").bounding_box(), page.locator("#minicart").bounding_box()
    assert brand and cart and abs((brand["y"] + brand["height"] / 2) - (cart["y"] + cart["height"] / 2)) < 12
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < 72, header  # one row, on a phone too
    add = page.get_by_role("button", name="Add to cart")
    expect(add).to_be_in_viewport()  # on the first screen, without scrolling
    box = add.bounding_box()
    assert box is not None and box["y"] + box["height"] <= page.viewport_size["height"]

    page.goto(f"/products?q={lineup.tag}")
    catalog = page.locator("#catalog")
    filters = catalog.locator("summary", has_text="Filters")
    if width == "phone":  # folded: the first screen shows products, not a form
        expect(filters).to_be_visible()
        expect(catalog.get_by_label("Category")).to_be_hidden()
        filters.click()
        expect(catalog.get_by_label("Category")).to_be_visible()
    else:
        expect(filters).to_be_hidden()
        expect(catalog.get_by_label("Category")).to_be_visible()
    catalog.get_by_label("Category").select_option(lineup.category)
    catalog.get_by_role("button", name="Apply").click()
    expect(catalog.locator(".results-count")).to_have_text("5 products")


def test_a_focused_product_card_shows_its_whole_focus_ring(page, gateway_url):
    lineup = create_lineup(gateway_url)
    page.goto(f"/products?q={lineup.tag}")
    link = page.get_by_role("link", name=lineup.names["Alpha"])
    link.focus()
    card = page.locator(".card", has=link)
    assert link.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    assert card.evaluate("el => getComputedStyle(el).overflow") == "visible"  # nothing clips the ring
