"""Destructive actions ask first (without JavaScript too), and a refusal shows in place, in the same words either way:
a customer cancelling an order that has just shipped, the shop cancelling it from a stale tab, deleting a product."""

from __future__ import annotations

import uuid

import requests
from playwright.sync_api import expect

from devstack.accounts import admin_headers
from tests.browser.pages.admin import BackOffice, ProductForm
from tests.browser.pages.auth import sign_in_as_admin, use_session
from tests.browser.pages.checkout import OrderPage
from tests.support.browser.order_data import confirmed_order, ship_behind_the_page
from tests.support.browser.variants import EVERY_WAY, open_browser

SHIPPED = "An order that is shipped cannot be cancelled"


@EVERY_WAY
def test_a_customer_is_asked_before_cancelling_and_sees_why_a_shipped_order_stays(
    kind, width, request, base_url, gateway_url
):
    user, order_id = confirmed_order(gateway_url)
    page = open_browser(request, kind, width)
    use_session(page, base_url, user)
    order = OrderPage(page).navigate(order_id)
    order.region.get_by_role("button", name="Cancel order", exact=True).click()
    expect(page.get_by_role("heading", name=f"Cancel order {order_id[:8]}?")).to_be_visible()
    page.get_by_role("link", name="No, keep my order").click()
    expect(order.status).to_contain_text("Confirmed")  # asking changed nothing

    order.wait_for_htmx()
    order.region.get_by_role("button", name="Cancel order", exact=True).click()
    ship_behind_the_page(gateway_url, order_id)
    page.get_by_role("button", name="Yes, cancel order").click()
    expect(order.region.get_by_role("alert")).to_have_text(SHIPPED)  # a 409, shown in place with JavaScript too
    expect(order.status).to_contain_text("Shipped")


@EVERY_WAY
def test_the_shop_is_asked_before_cancelling_or_deleting_and_a_stale_tab_hears_why(
    kind, width, request, base_url, gateway_url
):
    _, order_id = confirmed_order(gateway_url)
    page = open_browser(request, kind, width)
    sign_in_as_admin(page, base_url, gateway_url)
    office = BackOffice(page).navigate(f"/orders/{order_id}")
    ship_behind_the_page(gateway_url, order_id)  # the tab still offers "Cancel and refund"
    office.button("Cancel and refund").click()
    office.button("Yes, cancel and refund").click()
    expect(office.region.get_by_role("alert")).to_have_text(SHIPPED)

    sku = f"BO-{uuid.uuid4().hex[:8].upper()}"
    r = requests.post(
        f"{gateway_url}/api/products",
        headers=admin_headers(gateway_url),
        timeout=10,
        json={"name": f"Oak Shelf {sku}", "price": 4200, "category": "kitchen", "sku": sku, "initial_stock": 1},
    )
    product_id = r.json()["id"]
    form = ProductForm(page).navigate(f"/products/{product_id}")
    form.button("Delete product").click()
    expect(page.get_by_role("heading", name=f"Delete Oak Shelf {sku}?")).to_be_visible()
    page.get_by_role("link", name="No, keep it").click()
    expect(form.region.get_by_label("Name", exact=True)).to_have_value(f"Oak Shelf {sku}")
    form.wait_for_htmx()
    form.button("Delete product").click()
    form.button("Yes, delete product").click()
    expect(form.notice).to_have_text("Product deleted.")
    assert requests.get(f"{gateway_url}/api/products/{product_id}", timeout=5).status_code == 404
