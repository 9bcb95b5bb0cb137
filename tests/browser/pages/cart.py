"""The cart fragment: the cart page's lines, steppers, remove buttons, subtotal and "Checkout"."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from tests.browser.pages.shell import ShellPage


class CartPage(ShellPage):
    path = "/cart"

    def __init__(self, page: Page):
        super().__init__(page)
        self.region = page.locator("#cart")

    @property
    def lines(self) -> Locator:
        return self.region.locator("tbody tr")

    def line(self, name: str) -> Locator:
        return self.lines.filter(has=self.page.get_by_role("rowheader", name=name))

    def quantity_of(self, name: str) -> Locator:
        return self.region.get_by_role("spinbutton", name=f"Quantity of {name}")

    def increase(self, name: str) -> None:
        self.region.get_by_role("button", name=f"Increase quantity of {name}").click()

    def decrease(self, name: str) -> None:
        self.region.get_by_role("button", name=f"Decrease quantity of {name}").click()

    def set_quantity(self, name: str, quantity: int) -> None:
        self.quantity_of(name).fill(str(quantity))
        self.line(name).get_by_role("button", name="Update").click()

    def remove(self, name: str) -> None:
        self.region.get_by_role("button", name=f"Remove {name}").click()

    @property
    def subtotal(self) -> Locator:
        return self.region.locator(".subtotal")

    @property
    def error(self) -> Locator:
        return self.region.get_by_role("alert")

    @property
    def empty_message(self) -> Locator:
        return self.region.get_by_text("Your cart is empty.")

    @property
    def checkout(self) -> Locator:
        return self.region.get_by_role("button", name="Checkout")
