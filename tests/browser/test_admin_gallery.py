"""The admin creates a product with three images, each with its alt text, puts them in order, and the storefront
shows the gallery: the first image large, the others as thumbnails that show theirs large when chosen. Every way:
JavaScript on and off, desktop and phone."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.browser.pages.admin import ProductForm
from tests.support.browser.catalog_data import photo
from tests.support.browser.variants import EVERY_WAY, assert_no_sideways_scroll

VIEWS = ("The tray from above", "The tray's walnut grain, up close", "The tray on a breakfast table")


@EVERY_WAY
def test_the_admin_creates_a_product_with_three_images_and_the_storefront_shows_the_gallery(kind, width, admin_page):
    page = admin_page(kind, width)
    name = f"Walnut Tray {uuid.uuid4().hex[:6]}"
    form = ProductForm(page)
    form.create(name, "Oiled walnut.", "kitchen", "24.50", f"GAL-{uuid.uuid4().hex[:8].upper()}", "5")
    expect(form.notice).to_have_text("Product saved.")
    for n, alt in enumerate((VIEWS[0], VIEWS[2], VIEWS[1]), start=1):
        form.upload_image(f"tray-{n}.jpg", "image/jpeg", photo(60 * n), alt=alt)
        expect(form.gallery_image(n).get_by_label("Alt text")).to_have_value(alt)
    form.gallery_image(3).get_by_role("button", name="Move up").click()  # the grain before the table
    expect(form.gallery_image(2).get_by_label("Alt text")).to_have_value(VIEWS[1])
    expect(form.gallery_image(3).get_by_label("Alt text")).to_have_value(VIEWS[2])
    product_id = page.url.split("/admin/products/")[1].split("?")[0]

    page.goto(f"/products/{product_id}")
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    thumbnails = page.get_by_role("list", name=f"Images of {name}").get_by_role("link")
    expect(thumbnails).to_have_count(3)
    for n, alt in enumerate(VIEWS):
        expect(thumbnails.nth(n)).to_have_accessible_name(alt)
    expect(page.get_by_role("img", name=VIEWS[0])).to_have_count(2)  # large, and its thumbnail
    page.get_by_role("link", name=VIEWS[2]).click()
    expect(page).to_have_url(re.compile(rf"/products/{product_id}\?image=3$"))
    expect(page.get_by_role("link", name=VIEWS[2])).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("img", name=VIEWS[2])).to_have_count(2)
    expect(page.get_by_role("img", name=VIEWS[0])).to_have_count(1)
    large = page.locator("#product-gallery > img")
    expect(large).to_have_attribute("loading", "eager")
    expect(large).to_have_attribute("srcset", re.compile(r"-800\.webp 800w$"))
    expect(page.get_by_role("button", name="Add to cart")).to_be_visible()
    if width == "phone":
        assert_no_sideways_scroll(page, [f"/admin/products/{product_id}", f"/products/{product_id}?image=2"])


@EVERY_WAY
def test_an_image_without_alt_text_is_refused_with_the_message_beside_the_field(kind, width, admin_page):
    page = admin_page(kind, width)
    form = ProductForm(page)
    form.create(f"Oak Board {uuid.uuid4().hex[:6]}", "", "kitchen", "30", f"GAL-{uuid.uuid4().hex[:8].upper()}", "1")
    expect(form.notice).to_have_text("Product saved.")
    form.upload_image("board.jpg", "image/jpeg", photo(10), alt="   ")  # blanks pass `required`; the server says no
    alt = form.uploader.get_by_label("Alt text")
    expect(alt).to_have_attribute("aria-invalid", "true")
    expect(alt).to_have_accessible_description(re.compile("Describe the image for people who cannot see it"))
    expect(form.region.get_by_role("form", name="Image 1")).to_have_count(0)
    form.upload_image("board.jpg", "image/jpeg", photo(10), alt="The board with bread on it")
    expect(form.gallery_image(1).get_by_label("Alt text")).to_have_value("The board with bread on it")
