"""Checkout in Chromium, with and without JavaScript: a full purchase (then its cancellation), and a decline."""

from __future__ import annotations

import uuid

import pytest
import requests
from playwright.sync_api import expect

from devstack.smtp_sink import read_messages
from tests.accounts_apps import bearer, new_user
from tests.browser.catalog_data import create_lineup
from tests.browser.pages.auth import use_session
from tests.browser.pages.checkout import CheckoutPage
from tests.polling import wait_until

BOTH = pytest.mark.parametrize("kind", ["page", "page_nojs"], ids=["js", "nojs"])
SETTLE_MS = 30_000  # the saga crosses three services and the broker; the page polls (or refreshes) meanwhile


@pytest.fixture(scope="module")
def lineup(gateway_url):
    return create_lineup(gateway_url)


@pytest.fixture()
def shopper(request, base_url, gateway_url, lineup):
    """A signed-in shopper with two of "Alpha" in the cart, in the browser the test names."""

    def make(kind: str):
        page = request.getfixturevalue(kind)
        user = new_user(gateway_url, name=f"Shopper {uuid.uuid4().hex[:6]}")
        r = requests.post(
            f"{gateway_url}/api/cart/items",
            json={"product_id": lineup.ids["Alpha"], "quantity": 2},
            headers=bearer(user),
            timeout=10,
        )
        assert r.status_code in (200, 201), r.text
        use_session(page, base_url, user)
        return page, user

    return make


def mail_about(stack, user: dict, words: str) -> dict:
    """The email to this shopper whose subject has `words`, once it arrived (bounded wait)."""
    return wait_until(
        lambda: [m for m in read_messages(stack.mail_dir, to=user["email"]) if words in m["subject"]],
        interval=0.2,
        message=f"an email about {words!r}",
    )[0]


def assert_card_number_left_no_trace(page, stack, number: str) -> None:
    """Not in the browser's cookies, nor in any process's log (the shell, fragments, gateway, services)."""
    spaced = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    assert not [c for c in page.context.cookies() if number in c["value"] or spaced in c["value"]]
    logs = list(stack.log_dir.glob("*.log"))
    assert len(logs) >= 10  # every process writes one
    logged = [p.name for p in logs if number in (text := p.read_text(errors="replace")) or spaced in text]
    assert logged == [], f"the card number was logged by {logged}"


def check_out(page, card: str):
    checkout = CheckoutPage(page).start_from_cart()
    checkout.enter_address("Ada Lovelace", "12 Analytical Row", "London", "N1 9GU", "GB")
    checkout.enter_card(card)
    expect(checkout.region).to_contain_text("Visa ending in " + card[-4:])
    return checkout.place_order()


@BOTH
def test_a_shopper_buys_sees_the_order_confirmed_and_cancels_it_for_a_refund(kind, shopper, stack, lineup):
    page, user = shopper(kind)
    confirmation = check_out(page, "4242 4242 4242 4242")
    order_id = confirmation.order_id()
    expect(confirmation.status).to_have_text("Confirmed", timeout=SETTLE_MS)
    assert mail_about(stack, user, f"{order_id[:8]} is confirmed")

    assert_card_number_left_no_trace(page, stack, "4242424242424242")

    order = confirmation.view_details()
    expect(order.status).to_contain_text("Confirmed")
    expect(order.payment).to_have_text("Visa ending in 4242")
    expect(order.region).to_contain_text(lineup.names["Alpha"])
    expect(order.timeline).to_have_count(3)
    order.cancel()
    expect(order.status).to_contain_text("Cancelled")
    expect(order.region.get_by_role("button", name="Cancel order")).to_have_count(0)
    expect(order.region).to_contain_text("Cancelled by you")
    assert mail_about(stack, user, f"{order_id[:8]} is cancelled")
    assert mail_about(stack, user, f"refunded for your Fragmart order {order_id[:8]}")
    order.navigate(order_id)
    # The whole total goes back: $20.00 of goods (GB prices include VAT) and the cheapest delivery to GB, $4.90.
    expect(order.region.locator(".refund")).to_contain_text("Refunded $24.90")


@BOTH
def test_a_declined_card_ends_cancelled_with_the_reason(kind, shopper):
    page, _ = shopper(kind)
    confirmation = check_out(page, "4000 0000 0000 0002")
    expect(confirmation.status).to_contain_text("Cancelled", timeout=SETTLE_MS)
    expect(confirmation.status).to_contain_text("Card declined")
