"""The profile fragment: your details, the address book, and the recent orders region."""

from __future__ import annotations

from playwright.sync_api import Locator

from tests.browser.pages.base import PageObject


class ProfilePage(PageObject):
    path = "/profile"

    @property
    def details(self) -> Locator:
        return self.page.get_by_role("form", name="Your details")

    @property
    def address_form(self) -> Locator:
        return self.page.get_by_role("form", name="Add an address")

    @property
    def saved_addresses(self) -> Locator:
        return self.page.get_by_role("list", name="Saved addresses").get_by_role("listitem")

    @property
    def orders_region(self) -> Locator:
        return self.page.locator("#orders-region")

    @property
    def status(self) -> Locator:
        return self.page.get_by_role("status")

    def save_details(self, name: str, phone: str) -> None:
        self.details.get_by_label("Name").fill(name)
        self.details.get_by_label("Phone").fill(phone)
        self.details.get_by_role("button", name="Save details").click()

    def add_address(self, name: str, line1: str, city: str, postal_code: str, country: str) -> None:
        form = self.address_form
        for label, value in (
            ("Name", name),
            ("Address", line1),
            ("City", city),
            ("Postal code", postal_code),
        ):
            form.get_by_label(label, exact=True).fill(value)
        form.get_by_label("Country", exact=True).select_option(country.upper())
        form.get_by_role("button", name="Add address").click()

    def delete_address(self, line1: str) -> None:
        self.page.get_by_role("button", name=f"Delete address {line1}").click()
