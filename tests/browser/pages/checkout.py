"""The checkout fragment (address, review, "Place order"), the payment provider's hosted page, the return page with
the live status, and the order pages."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from common.ids import MINTED_ID
from tests.browser.pages.base import PageObject
from tests.browser.pages.cart import CartPage
from tests.browser.pages.shell import ShellPage

CONFIRMATION_URL = re.compile(rf"/orders/({MINTED_ID.pattern})/confirmation$")
RETURN_URL = re.compile(rf"/checkout/return\?order=({MINTED_ID.pattern})(&left=1)?$")
PROVIDER_URL = re.compile(r"/c/pay/cs_[A-Za-z0-9_]+$")


class CheckoutPage(ShellPage):
    """/checkout and its steps: region #checkout."""

    def __init__(self, page: Page):
        super().__init__(page)
        self.region = page.locator("#checkout")

    path = "/checkout"

    def start_from_cart(self) -> CheckoutPage:
        cart = CartPage(self.page).navigate()
        cart.checkout.click()
        expect(self.page.get_by_role("heading", name="Shipping address")).to_be_visible()
        return self

    def field(self, label: str) -> Locator:
        return self.region.get_by_label(label, exact=True)

    def enter_address(
        self, name: str, line1: str, city: str, postal_code: str, country: str, delivery: str | None = "Standard"
    ) -> None:
        """The address step, then (unless `delivery` is None) the delivery step with that option: at the review."""
        for label, value in (
            ("Name", name),
            ("Address", line1),
            ("City", city),
            ("Postal code", postal_code),
        ):
            self.field(label).fill(value)
        self.field("Country").select_option(country.upper())
        self.region.get_by_role("button", name="Continue to delivery").click()
        if delivery:
            self.choose_delivery(delivery)

    @property
    def delivery(self) -> Locator:
        return self.region.get_by_role("group", name="Delivery")

    def choose_delivery(self, name: str) -> None:
        """One radio per option serving the address's country, named by the option (then its price and estimate)."""
        self.delivery.get_by_role("radio", name=re.compile(rf"^{re.escape(name)}\b")).check()
        self.region.get_by_role("button", name="Continue to review").click()
        expect(self.place_order_button).to_be_visible()

    @property
    def place_order_button(self) -> Locator:
        return self.region.get_by_role("button", name="Place order")

    def place_order(self) -> ProviderPage:
        """ "Place order": the stock is held and the browser goes to the payment provider's own page."""
        self.wait_for_htmx()  # with JS, the click must be htmx's (HX-Redirect), not a plain post
        self.place_order_button.click()
        return ProviderPage(self.page)


class ProviderPage:
    """The payment provider's hosted page (the local stand-in, on its own origin): the only place a card is typed."""

    def __init__(self, page: Page):
        self.page = page
        expect(page).to_have_url(PROVIDER_URL)

    def pay(self, number: str, expiry: str = "12 / 34", cvc: str = "123") -> None:
        self.page.get_by_label("Card number").fill(number)
        self.page.get_by_label("Expiry").fill(expiry)
        self.page.get_by_label("CVC").fill(cvc)
        self.page.get_by_role("button", name="Pay").click()

    def pay_and_return(self, number: str) -> OrderConfirmation:
        self.pay(number)
        return OrderConfirmation(self.page)

    def refusal(self) -> Locator:
        return self.page.get_by_role("alert")

    def bank_says(self, answer: str) -> OrderConfirmation:
        """The 3-D Secure challenge: "Complete" or "Fail"."""
        self.page.get_by_role("button", name=answer).click()
        return OrderConfirmation(self.page)


class OrderConfirmation(PageObject):
    """/checkout/return?order=<id> (back from the provider) or /orders/<id>/confirmation: region #order-status
    updates itself until the order is settled."""

    def __init__(self, page: Page):
        super().__init__(page)
        self.status = page.locator("#order-status")

    def order_id(self) -> str:
        expect(self.page).to_have_url(re.compile(f"{RETURN_URL.pattern}|{CONFIRMATION_URL.pattern}"))
        match = RETURN_URL.search(self.page.url) or CONFIRMATION_URL.search(self.page.url)
        assert match, self.page.url
        return match.group(1)

    def try_another_card(self) -> ProviderPage:
        self.page.get_by_role("link", name="Try another card").click()
        return ProviderPage(self.page)

    def view_details(self) -> OrderPage:
        self.page.get_by_role("link", name="View order details").click()
        return OrderPage(self.page)


class OrderPage(PageObject):
    """/orders/<id>: region #order with status, lines, payment, timeline and "Cancel order"."""

    def __init__(self, page: Page):
        super().__init__(page)
        self.region = page.locator("#order")

    def url(self, order_id: str | None = None) -> str:
        assert order_id, "an order page lives at its order's id"
        return f"/orders/{order_id}"

    @property
    def status(self) -> Locator:
        return self.region.locator(".order-status-line")

    @property
    def payment(self) -> Locator:
        return self.region.locator(".payment-card")

    @property
    def timeline(self) -> Locator:
        return self.region.get_by_role("list", name="Timeline").get_by_role("listitem")

    def cancel(self) -> None:
        self.wait_for_htmx()
        self.region.get_by_role("button", name="Cancel order", exact=True).click()
        self.region.get_by_role("button", name="Yes, cancel order").click()  # the question, asked by the server
