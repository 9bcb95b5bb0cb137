"""The products fragment: the searchable catalog grid and the product page with its add-to-cart form."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

from tests.browser.pages.shell import ShellPage


class CatalogPage(ShellPage):
    """/products: the search form (#catalog) and its results (#results)."""

    def __init__(self, page: Page):
        super().__init__(page)
        self.region = page.locator("#catalog")
        self.results = page.locator("#results")

    path = "/products"

    @property
    def search_box(self) -> Locator:
        return self.region.get_by_role("searchbox", name="Search products")

    @property
    def category(self) -> Locator:
        return self.region.get_by_label("Category")

    @property
    def min_price(self) -> Locator:
        return self.region.get_by_label("Min price ($)")

    @property
    def max_price(self) -> Locator:
        return self.region.get_by_label("Max price ($)")

    @property
    def sort(self) -> Locator:
        return self.region.get_by_label("Sort by")

    @property
    def product_titles(self) -> Locator:
        return self.results.get_by_role("heading", level=3)

    @property
    def result_count(self) -> Locator:
        return self.results.locator(".results-count")

    @property
    def page_status(self) -> Locator:
        return self.results.locator(".pager-status")

    @property
    def next_page(self) -> Locator:
        return self.results.get_by_role("link", name="Next")

    @property
    def previous_page(self) -> Locator:
        return self.results.get_by_role("link", name="Previous")

    def type_search(self, text: str) -> None:
        """Key by key, as a shopper types: htmx waits for a pause before it searches."""
        self.search_box.press_sequentially(text, delay=40)

    def choose_category(self, category: str) -> None:
        """By its value: the option's text carries the count ("Kitchen (5)")."""
        self.category.select_option(category)

    @property
    def filters_summary(self) -> Locator:
        return self.region.locator("summary", has_text="Filters")

    def open_filters(self) -> None:
        """On a phone the filters fold into "Filters" (unless some are chosen); wider, they are open already."""
        folded = self.region.locator("details.filters-more:not([open])")
        if self.filters_summary.is_visible() and folded.count():
            self.filters_summary.click()

    def choice(self, name: str) -> Locator:
        """A filter's radio or checkbox by its label, count included: "$25 to $50 (2)", "M (3)", "In stock only"."""
        return self.region.get_by_role("radio", name=name).or_(self.region.get_by_role("checkbox", name=name))

    @property
    def in_stock_only(self) -> Locator:
        return self.region.get_by_role("checkbox", name="In stock only")

    def sort_by(self, label: str) -> None:
        self.sort.select_option(label=label)

    def apply(self) -> None:
        self.region.get_by_role("button", name="Apply").click()

    def choose_product(self, name: str) -> None:
        self.results.get_by_role("link", name=name).click()


class ProductPage(ShellPage):
    """/products/<id>: details, stock state and the "Add to cart" form."""

    def __init__(self, page: Page):
        super().__init__(page)
        self.region = page.locator("#product")

    def url(self, product_id: str | None = None) -> str:
        assert product_id, "a product page lives at its product's id"
        return f"/products/{product_id}"

    @property
    def title(self) -> Locator:
        return self.region.get_by_role("heading", level=1)

    @property
    def stock_state(self) -> Locator:
        return self.region.locator(".stock")

    @property
    def quantity(self) -> Locator:
        return self.region.get_by_label("Quantity")

    @property
    def add_button(self) -> Locator:
        return self.region.get_by_role("button", name="Add to cart")

    @property
    def status(self) -> Locator:
        return self.region.get_by_role("status")

    def add_to_cart(self, quantity: int = 1) -> None:
        self.quantity.fill(str(quantity))
        self.add_button.click()

    def option(self, name: str) -> Locator:
        """One option's radio group, named by the option ("Size")."""
        return self.region.get_by_role("radiogroup", name=name)

    def value(self, option: str, value: str) -> Locator:
        """A value's radio: its accessible name is the value, then "Sold out" when that choice is."""
        return self.option(option).get_by_role("radio", name=re.compile(rf"^{re.escape(value)}( Sold out)?$"))

    @property
    def sku(self) -> Locator:
        return self.region.locator(".sku")


def cart_count(n: int) -> re.Pattern:
    """The mini-cart's accessible name for n items."""
    return re.compile(rf"^Cart, {n} items?$")


class RelatedProducts:
    """ "You may also like", under a product page or the cart."""

    def __init__(self, page: Page):
        self.page = page
        self.region = page.get_by_role("region", name="You may also like")

    @property
    def product_links(self) -> Locator:
        return self.region.get_by_role("link")

    def choose(self, name: str) -> None:
        self.region.get_by_role("link", name=name).click()
