"""Deleting one's account in Chromium, with and without JavaScript, on a desktop and at 390 px: a wrong password is
refused beside the field; then (a double click deletes once) the shopper is signed out on a page that says the
account is deleted, the email no longer signs in, and the back office still shows the order, as a deleted
customer's, without their details."""

from __future__ import annotations

import requests
from playwright.sync_api import expect

from devstack.accounts import admin_headers
from tests.browser.pages.auth import AccountArea, SignInPage, sign_in_as_admin, use_session
from tests.browser.pages.delete_account import DeleteAccount
from tests.support.browser.order_data import confirmed_order
from tests.support.browser.variants import EVERY_WAY, open_browser
from tests.support.polling import wait_until

WIDER_THAN_THE_SCREEN = "() => document.documentElement.scrollWidth - window.innerWidth"


def fits(page) -> None:
    assert page.evaluate(WIDER_THAN_THE_SCREEN) <= 0, page.url


def stock_counted(gateway_url: str) -> bool:
    """Whether some product has the stock confirmed_order looks for: a stack just started may not have counted it
    yet (product.changed reaches the inventory through the broker)."""
    listed = requests.get(f"{gateway_url}/api/products", params={"per_page": 50}, timeout=10).json()["items"]
    skus = ",".join(p["sku"] for p in listed)
    levels = requests.get(f"{gateway_url}/api/inventory", params={"skus": skus}, timeout=10).json()["items"]
    return any(s["available"] >= 5 for s in levels)


def anonymised(gateway_url: str, order_id: str) -> bool:
    r = requests.get(f"{gateway_url}/api/orders/{order_id}", headers=admin_headers(gateway_url), timeout=10)
    return r.json().get("customer_deleted") is True


@EVERY_WAY
def test_a_shopper_with_an_order_deletes_their_account_and_the_back_office_keeps_the_order_anonymised(
    kind, width, request, stack, base_url, gateway_url
):
    page = open_browser(request, kind, width)
    wait_until(lambda: stock_counted(gateway_url), timeout=30, message="the catalog's stock to be counted")
    user, order_id = confirmed_order(gateway_url)
    use_session(page, base_url, user)
    deletion = DeleteAccount(page).navigate()
    expect(deletion.button).to_have_class("btn btn-danger")

    deletion.delete("not-my-password")
    expect(deletion.password).to_have_accessible_description("That is not your password.")
    if width == "phone":
        fits(page)
    # Twice at once: without JavaScript the second post carries the same form key and gets the first one's answer;
    # with it the button is disabled while the first is in flight.
    deletion.delete(user["password"], double_click=True)
    expect(page).to_have_url(f"{base_url}/login?signed_out=deleted")
    expect(page.get_by_text("Your account is deleted")).to_be_visible()
    expect(AccountArea(page).sign_out_link).to_have_count(0)  # this browser's cookies went
    if width == "phone":
        fits(page)

    sign_in = SignInPage(page).navigate()
    sign_in.sign_in(user["email"], user["password"])
    expect(sign_in.error).to_contain_text("Wrong email or password.")

    wait_until(lambda: anonymised(gateway_url, order_id), message="account.deleted to reach the orders")
    page.context.clear_cookies()
    sign_in_as_admin(page, base_url, gateway_url)
    page.goto(f"/admin/orders/{order_id}")
    ship_to = page.get_by_role("region", name="Ship to")
    expect(ship_to).to_contain_text("Deleted customer")
    expect(ship_to).not_to_contain_text(user["email"])
    expect(page.get_by_role("heading", name=f"Order {order_id[:8]}")).to_be_visible()
