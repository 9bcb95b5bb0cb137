"""A guest checks out in Chromium, with and without JavaScript: an email instead of an account, a promo code in the
cart, Express delivery to Germany, the card on the provider's page, and the emailed link back to the order."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from devstack.smtp_sink import read_messages
from tests.browser.catalog_data import create_lineup
from tests.browser.pages.cart import CartPage
from tests.browser.pages.checkout import CheckoutPage, OrderPage
from tests.browser.pages.products import ProductPage, cart_count
from tests.polling import wait_until

BOTH = pytest.mark.parametrize("kind", ["page", "page_nojs"], ids=["js", "nojs"])
SETTLE_MS = 30_000  # the saga crosses three services and the broker; the page polls (or refreshes) meanwhile
LINK = re.compile(r"https?://[^\s\"]+/orders/link/[A-Za-z0-9_.-]+")


@pytest.fixture(scope="module")
def lineup(gateway_url):
    return create_lineup(gateway_url)


def mail_to(stack, email: str, words: str) -> dict:
    return wait_until(
        lambda: [m for m in read_messages(stack.mail_dir, to=email) if words in m["subject"]],
        interval=0.2,
        message=f"an email to the guest about {words!r}",
    )[0]


def price_line(region, name: str):
    """The amount beside one line of the breakdown (Subtotal, Discount, Delivery, Tax, Total)."""
    return region.locator(".breakdown > div").filter(has=region.page.get_by_text(name, exact=True)).locator("dd")


def breakdown(region) -> dict[str, str]:
    """Every line of the breakdown on screen, name to amount, in order."""
    expect(region.locator(".breakdown").first).to_be_visible()
    pairs = (
        region.locator(".breakdown")
        .first.locator(":scope > div")
        .evaluate_all(
            "divs => divs.map(d => [d.querySelector('dt').textContent.trim(), d.querySelector('dd').textContent.trim()])"
        )
    )
    return dict(pairs)


@BOTH
def test_a_guest_buys_with_welcome10_and_express_to_germany_then_opens_the_order_from_the_email(
    kind, request, stack, lineup
):
    page = request.getfixturevalue(kind)
    email = f"guest-{uuid.uuid4().hex[:8]}@example.com"
    product = ProductPage(page).navigate(lineup.ids["Delta"])  # $40.00
    product.add_to_cart(1)
    expect(page.get_by_role("link", name=cart_count(1))).to_be_visible()

    cart = CartPage(page).navigate()
    cart.region.get_by_label("Promo code").fill("welcome10")
    cart.region.get_by_role("button", name="Apply").click()
    expect(cart.region.get_by_role("status").filter(has_text="applied")).to_have_text("WELCOME10 applied.")
    cart.checkout.click()

    checkout = CheckoutPage(page)
    expect(checkout.region.get_by_role("link", name="Sign in")).to_be_visible()  # or sign in: the cart comes along
    checkout.field("Email").fill("not an email")
    checkout.region.get_by_role("button", name="Continue as guest").click()
    expect(checkout.field("Email")).to_have_accessible_description("Enter an email address like name@example.com.")
    checkout.field("Email").fill(email)
    checkout.region.get_by_role("button", name="Continue as guest").click()
    expect(page.get_by_role("heading", name="Shipping address")).to_be_visible()
    checkout.enter_address("Ada Gast", "Unter den Linden 1", "Berlin", "10117", "DE", delivery="Express")

    # $40.00 less 10 % is $36.00, Express $12.00: $48.00, German VAT (19 %) included.
    for line, amount in (
        ("Subtotal", "$40.00"),
        ("Discount (WELCOME10)", "−$4.00"),
        ("Delivery", "$12.00"),
        ("Total", "$48.00"),
    ):
        expect(price_line(checkout.region, line)).to_have_text(amount)
    reviewed = breakdown(checkout.region)
    assert list(reviewed) == ["Subtotal", "Discount (WELCOME10)", "Delivery", "Tax (included)", "Total"]
    provider = checkout.place_order()
    expect(page.get_by_text("48.00 USD")).to_be_visible()  # the provider charges exactly the Total
    confirmation = provider.pay_and_return("4242 4242 4242 4242")
    order_id = confirmation.order_id()
    expect(confirmation.status).to_have_text("Confirmed", timeout=SETTLE_MS)
    expect(page.get_by_role("link", name="View order details")).to_have_attribute("href", re.compile("/orders/link/"))

    mail = mail_to(stack, email, f"{order_id[:8]} is confirmed")
    for line, amount in reviewed.items():  # the email prints the same lines as the review
        assert re.search(rf"{re.escape(line)}:?\s+{re.escape(amount)}", mail["body"]), (line, amount, mail["body"])
    found = LINK.search(mail["body"])
    assert found, mail["body"]
    fresh = page.context.browser.new_context(java_script_enabled=kind == "page").new_page()  # another device
    try:
        fresh.goto(f"{page.url.split('/checkout')[0]}{urlsplit(found.group(0)).path}")
        order = OrderPage(fresh)
        expect(order.region.get_by_role("heading", name=f"Order {order_id[:8]}")).to_be_visible()
        expect(order.status).to_contain_text("Confirmed")
        expect(price_line(order.region, "Total")).to_have_text("$48.00")
        assert breakdown(order.region) == reviewed  # the order page: the same lines as the review
        expect(order.region.get_by_role("button", name="Cancel order", exact=True)).to_be_visible()
    finally:
        fresh.context.close()
