"""The shell's layout: header (search, account, mini-cart), main region, footer."""

from __future__ import annotations

from playwright.sync_api import Locator

from tests.browser.pages.base import PageObject


class ShellPage(PageObject):
    """Any page of the shop: the header, footer and fallbacks every page has."""

    @property
    def brand(self) -> Locator:
        return self.page.get_by_role("link", name="Fragmart home")

    @property
    def header_search(self) -> Locator:
        return self.page.get_by_role("banner").get_by_role("searchbox", name="Search products")

    @property
    def search_box(self) -> Locator:
        """The page's one box named "Search products": the header's, or on /products the catalog's own."""
        return self.page.get_by_label("Search products")

    @property
    def mini_cart(self) -> Locator:
        return self.page.get_by_role("link", name="Cart,")

    @property
    def footer(self) -> Locator:
        return self.page.get_by_role("contentinfo")

    def fallback(self, slot: str) -> Locator:
        return self.page.locator(f"#fallback-{slot}")

    def retry(self, slot: str) -> Locator:
        return self.fallback(slot).get_by_role("link", name="Retry")

    def search_from_header(self, text: str) -> None:
        self.header_search.fill(text)
        self.header_search.press("Enter")


class HomePage(ShellPage):
    @property
    def featured_heading(self) -> Locator:
        return self.page.get_by_role("heading", name="Featured products")

    @property
    def product_cards(self) -> Locator:
        return self.page.locator("#featured").get_by_role("article")
