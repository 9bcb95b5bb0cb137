"""Two purchases in Chromium, with and without JavaScript, each followed to every place that shows its total: a guest
(an email instead of an account) with WELCOME10 and Express to Germany, who opens the order from the emailed link,
and a signed-in shopper sending Standard to the US. The cart, the review, the provider's amount, the order page, the
email, the back office and the order's events all say the same Subtotal, Discount, Delivery, Tax and Total."""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from playwright.sync_api import Locator, expect

from common.formatting import money
from common.messaging.events import Event
from common.messaging.messages import OrderConfirmed
from services.notifications.order_handlers import price_lines
from tests.browser.pages.admin import OrderPage as AdminOrderPage
from tests.browser.pages.auth import sign_in_as_admin, use_session
from tests.browser.pages.cart import CartPage
from tests.browser.pages.checkout import CheckoutPage, OrderPage
from tests.browser.pages.products import ProductPage, cart_count
from tests.support.accounts_apps import bearer, new_user
from tests.support.broker import read_all
from tests.support.browser.mail import link_path, mails_to

BOTH = pytest.mark.parametrize("kind", ["page", "page_nojs"], ids=["js", "nojs"])
SETTLE_MS = 30_000  # the saga crosses three services and the broker; the page polls (or refreshes) meanwhile
LINK = re.compile(r"https?://[^\s\"]+/orders/link/[A-Za-z0-9_.-]+")
LINES_JS = "divs => divs.map(d => [d.querySelector('dt'), d.querySelector('dd')].map(e => e.textContent.trim()))"


def breakdown(region: Locator) -> dict[str, str]:
    """Every line of the price breakdown on screen, name to amount, in order."""
    lines = region.locator(".breakdown").first
    expect(lines).to_be_visible()
    return dict(lines.locator(":scope > div").evaluate_all(LINES_JS))


def price_line(region: Locator, name: str) -> Locator:
    """The amount beside one line of the breakdown (Subtotal, Discount, Delivery, Tax, Total)."""
    return region.locator(".breakdown > div").filter(has=region.page.get_by_text(name, exact=True)).locator("dd")


def emailed(mail: dict) -> dict[str, str]:
    """The price lines of an order email's text part ("  Subtotal: $40.00" ... "  Total: $48.00")."""
    found = re.findall(r"^  (Subtotal|Discount[^:]*|Delivery|Tax[^:]*|Total): (.+)$", mail["body"], flags=re.M)
    return dict(found)


def announced(stack, order_id: str) -> dict[str, str]:
    """The order.confirmed event's breakdown, printed as the emails print it."""
    records = read_all(f"127.0.0.1:{stack.specs['kafka'].port}", ["order.confirmed"])
    events = [OrderConfirmed.parse(Event.from_json(raw)) for _, raw in records]
    event = next(e for e in events if e.order_id == order_id)
    assert event.breakdown is not None
    return {**dict(price_lines(event.breakdown, event.currency)), "Total": money(event.total, event.currency)}


def back_office(browser, base_url: str, gateway_url: str, order_id: str) -> dict[str, str]:
    """The order's breakdown as the shop's owner sees it at /admin/orders/<id>, in a browser of their own."""
    context = browser.new_context(base_url=base_url)
    try:
        page = context.new_page()
        sign_in_as_admin(page, base_url, gateway_url)
        office = AdminOrderPage(page)
        office.navigate(f"/orders/{order_id}")
        return breakdown(office.region)
    finally:
        context.close()


def assert_one_total(reviewed: dict, *elsewhere: tuple[str, dict]) -> None:
    """Every place prints the review's lines; the email and the events print the Discount line their way."""
    for place, lines in elsewhere:
        assert lines == reviewed, f"{place} says {lines}, the review said {reviewed}"


@BOTH
def test_a_guest_buys_with_welcome10_and_express_to_germany_then_opens_the_order_from_the_email(
    kind, request, stack, lineup, base_url, gateway_url
):
    page = request.getfixturevalue(kind)
    email = f"guest-{uuid.uuid4().hex[:8]}@example.com"
    ProductPage(page).navigate(lineup.ids["Delta"]).add_to_cart(1)  # $40.00
    expect(page.get_by_role("link", name=cart_count(1))).to_be_visible()

    cart = CartPage(page).navigate()
    cart.region.get_by_label("Promo code").fill("welcome10")
    cart.region.get_by_role("button", name="Apply").click()
    expect(cart.region.get_by_role("status").filter(has_text="applied")).to_have_text("WELCOME10 applied.")
    in_cart = breakdown(cart.region)
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

    # $40.00 less 10 % is $36.00, and Express $12.00: $48.00, German VAT (19 %) included.
    for line, amount in (("Subtotal", "$40.00"), ("Discount (WELCOME10)", "−$4.00"), ("Delivery", "$12.00")):
        expect(price_line(checkout.region, line)).to_have_text(amount)
    expect(price_line(checkout.region, "Total")).to_have_text("$48.00")
    reviewed = breakdown(checkout.region)
    assert list(reviewed) == ["Subtotal", "Discount (WELCOME10)", "Delivery", "Tax (included)", "Total"]
    assert {k: in_cart[k] for k in ("Subtotal", "Discount (WELCOME10)")} == {
        k: reviewed[k] for k in ("Subtotal", "Discount (WELCOME10)")
    }  # the cart's estimate is for its own country: its goods lines are the same

    provider = checkout.place_order()
    expect(page.get_by_text("48.00 USD")).to_be_visible()  # the provider charges exactly the Total
    confirmation = provider.pay_and_return("4242 4242 4242 4242")
    order_id = confirmation.order_id()
    expect(confirmation.status).to_have_text("Confirmed", timeout=SETTLE_MS)
    expect(page.get_by_role("link", name="View order details")).to_have_attribute("href", re.compile("/orders/link/"))

    mail = mails_to(stack, email, f"{order_id[:8]} is confirmed")[0]
    other_device = page.context.browser.new_context(base_url=base_url, java_script_enabled=kind == "page")
    try:
        fresh = other_device.new_page()
        fresh.goto(link_path(mail, LINK))
        order = OrderPage(fresh)
        expect(order.region.get_by_role("heading", name=f"Order {order_id[:8]}")).to_be_visible()
        expect(order.status).to_contain_text("Confirmed")
        expect(order.region.get_by_role("button", name="Cancel order", exact=True)).to_be_visible()
        on_order_page = breakdown(order.region)
    finally:
        other_device.close()
    assert_one_total(
        reviewed,
        ("the order page", on_order_page),
        ("the email", emailed(mail)),
        ("the back office", back_office(page.context.browser, base_url, gateway_url, order_id)),
        ("order.confirmed", announced(stack, order_id)),
    )


@BOTH
def test_a_signed_in_shopper_buys_to_the_us_and_every_place_shows_the_same_total(
    kind, request, stack, lineup, base_url, gateway_url
):
    page = request.getfixturevalue(kind)
    user = new_user(gateway_url, name=f"Shopper {uuid.uuid4().hex[:6]}")
    r = requests.post(
        f"{gateway_url}/api/cart/items",
        json={"product_id": lineup.ids["Bravo"], "quantity": 1},  # $20.00
        headers=bearer(user),
        timeout=10,
    )
    assert r.status_code in (200, 201), r.text
    use_session(page, base_url, user)
    checkout = CheckoutPage(page).start_from_cart()
    checkout.enter_address("Grace Hopper", "1 Navy Way", "Arlington", "22202", "US", delivery="Standard")
    # $20.00 and Standard $4.90 (free only over $75), then 7 % US sales tax on top.
    expect(price_line(checkout.region, "Subtotal")).to_have_text("$20.00")
    expect(price_line(checkout.region, "Delivery")).to_have_text("$4.90")
    expect(price_line(checkout.region, "Tax")).to_have_text("$1.74")
    expect(price_line(checkout.region, "Total")).to_have_text("$26.64")
    reviewed = breakdown(checkout.region)
    assert list(reviewed) == ["Subtotal", "Delivery", "Tax", "Total"]

    provider = checkout.place_order()
    expect(page.get_by_text("26.64 USD")).to_be_visible()
    confirmation = provider.pay_and_return("4242 4242 4242 4242")
    order_id = confirmation.order_id()
    expect(confirmation.status).to_have_text("Confirmed", timeout=SETTLE_MS)
    order = confirmation.view_details()
    assert_one_total(
        reviewed,
        ("the order page", breakdown(order.region)),
        ("the email", emailed(mails_to(stack, user["email"], f"{order_id[:8]} is confirmed")[0])),
        ("the back office", back_office(page.context.browser, base_url, gateway_url, order_id)),
        ("order.confirmed", announced(stack, order_id)),
    )
