"""A signed order link in Chromium, with and without JavaScript, on a phone and a desktop: it opens its order
without an account and cancels it; a tampered link is the page for an unknown order."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from common.auth import order_links
from common.settings import load_settings
from tests.browser.pages.checkout import OrderPage
from tests.support.browser.order_data import confirmed_order


class LinkedOrderPage(OrderPage):
    def url(self, token: str | None = None) -> str:
        assert token, "a linked order page lives at its token"
        return f"/orders/link/{token}"


@pytest.mark.parametrize(("kind", "width"), [("page", 390), ("page_nojs", 1280)], ids=["js-390", "nojs-1280"])
def test_a_signed_link_opens_its_order_without_an_account_and_cancels_it(request, kind, width, gateway_url):
    page = request.getfixturevalue(kind)
    page.set_viewport_size({"width": width, "height": 900})
    user, order_id = confirmed_order(gateway_url)
    token = order_links.sign(load_settings("test"), order_id, user["email"])
    assert token
    order = LinkedOrderPage(page).navigate(token)
    expect(order.region.get_by_role("heading", name=f"Order {order_id[:8]}")).to_be_visible()
    expect(order.status).to_contain_text("Confirmed")
    expect(order.region.get_by_role("link", name="Your orders")).to_have_count(0)  # no account behind this page
    order.cancel()
    expect(order.status).to_contain_text("Cancelled")
    LinkedOrderPage(page).navigate(token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
    expect(page.locator("#main")).to_contain_text("We couldn't find that order")
