"""The admin fragment (the back office): one object per page, with the actions tests take."""

from __future__ import annotations

from playwright.sync_api import FilePayload, Locator, Page, expect

from .base import PageObject


class BackOffice(PageObject):
    """Region #admin, on any /admin page; `navigate("/products")` opens /admin/products."""

    path = "/admin"

    def __init__(self, page: Page):
        super().__init__(page)
        self.region = page.locator("#admin")

    def url(self, path: str | None = None) -> str:
        return self.path + (path or "")

    def button(self, name: str) -> Locator:
        return self.region.get_by_role("button", name=name)

    @property
    def notice(self) -> Locator:
        return self.region.get_by_role("status")


class ProductForm(BackOffice):
    def create(self, name: str, description: str, category: str, price: str, sku: str, stock: str) -> None:
        self.navigate("/products")
        self.region.get_by_role("link", name="New product").click()
        for label, value in (
            ("Name", name),
            ("Description", description),
            ("Category", category),
            ("Price", price),
            ("SKU", sku),
            ("Initial stock", stock),
        ):
            self.region.get_by_label(label, exact=True).fill(value)
        self.region.get_by_label("Featured").check()
        self.button("Save product").click()

    def upload_image(self, filename: str, mime: str, data: bytes, alt: str = "The product from the front") -> None:
        """Add an image at the end of the gallery, with its alt text."""
        payload: FilePayload = {"name": filename, "mimeType": mime, "buffer": data}
        self.uploader.get_by_label("Image", exact=True).set_input_files(files=[payload])
        self.uploader.get_by_label("Alt text").fill(alt)
        self.uploader.get_by_role("button", name="Upload image").click()

    @property
    def uploader(self) -> Locator:
        return self.region.get_by_role("form", name="Add an image")

    def gallery_image(self, number: int) -> Locator:
        """The form of the gallery's image `number` (from 1): its "Alt text" and its buttons."""
        return self.region.get_by_role("form", name=f"Image {number}")

    @property
    def image(self) -> Locator:
        """The gallery's first image."""
        return self.gallery_image(1).locator("img.product-img")


class StockPage(BackOffice):
    def set_stock(self, sku: str, units: int) -> None:
        self.navigate(f"/inventory?q={sku}")
        row = self.region.locator(f"#stock-{sku}")
        row.get_by_label("Stock").fill(str(units))
        row.get_by_role("button", name="Save stock").click()


class OrderPage(BackOffice):
    def find(self, email: str) -> None:
        self.navigate("/orders")
        self.region.get_by_label("Customer email").fill(email)
        self.button("Filter").click()
        expect(self.region.locator(".results-count")).to_have_text("1 order")  # the filtered list is in
        self.region.get_by_role("table", name="Orders").get_by_role("link").click()

    @property
    def status(self) -> Locator:
        return self.region.locator(".order-status")

    def ship(self, carrier: str, tracking_number: str) -> None:
        """ "Mark shipped" with the parcel's carrier (by its name in the list) and tracking number."""
        if carrier:
            self.region.get_by_label("Carrier").select_option(label=carrier)
        self.region.get_by_label("Tracking number").fill(tracking_number)
        self.button("Mark shipped").click()


class DeadLetterPage(BackOffice):
    def replay(self, event_id: str) -> None:
        self.region.locator("tr", has_text=event_id[:12]).get_by_role("button", name="Replay").click()
