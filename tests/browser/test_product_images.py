"""Product images on a phone: the page loads a resized WebP copy (never more than 800 px wide) in place of the
upload, reserves its frame, and loads the product's picture at once, its gallery's thumbnails later and small;
seeded products show generated drawings."""

from __future__ import annotations

import io
import json
import re

import requests
from PIL import Image
from playwright.sync_api import expect

from tests.support.browser.catalog_data import admin_headers, create_lineup
from tests.support.browser.variants import BOTH, open_browser

# The product's own pictures (#product): the cards of "You may also like" below it are lazy, so may never load.
PICTURES = "[...document.querySelectorAll('#product img')]"
ALL_LOADED = f"() => {PICTURES}.every(i => i.complete && i.naturalWidth > 0)"
LOADED = f"() => {PICTURES}.map(i => ({{src: i.currentSrc, width: i.naturalWidth, lazy: i.loading}}))"


def photo(tint: int = 0) -> bytes:
    """A 1600×1200 photo-like JPEG, the kind an owner uploads from a camera (each tint a different photo)."""
    buf = io.BytesIO()
    gradient = Image.radial_gradient("L").resize((1600, 1200)).point(lambda v: (v + tint) % 256)
    Image.merge("RGB", (gradient, gradient.rotate(90), Image.linear_gradient("L").resize((1600, 1200)))).save(
        buf, "JPEG", quality=92
    )
    return buf.getvalue()


def image_bytes_of_page(page, path: str) -> tuple[int, list[dict]]:
    """Bytes of every product image the page loaded (the related cards' too, when near enough to load), none of them
    wider than 800 px, and what each of the product's own <img> shows."""
    responses = []
    page.on("response", lambda r: responses.append(r) if "/images/products/" in r.url else None)
    page.goto(path)
    page.wait_for_function(ALL_LOADED)
    bodies = [r.body() for r in responses]
    widths = {r.url: Image.open(io.BytesIO(body)).width for r, body in zip(responses, bodies, strict=True)}
    assert max(widths.values(), default=0) <= 800, widths
    return sum(len(b) for b in bodies), page.evaluate(LOADED)


@BOTH
def test_a_phone_loads_a_small_webp_copy_of_an_uploaded_photo(kind, request, gateway_url):
    page = open_browser(request, kind, "phone")
    product = create_lineup(gateway_url).ids["Alpha"]
    original = photo()
    r = requests.put(
        f"{gateway_url}/api/products/{product}/image",
        data=original,
        headers={**admin_headers(gateway_url), "Content-Type": "application/octet-stream"},
        timeout=20,
    )
    assert r.status_code == 200, r.text
    loaded, shown = image_bytes_of_page(page, f"/products/{product}")
    [main] = shown
    assert main["src"].endswith("-400.webp") and main["width"] <= 400 and main["lazy"] == "eager"
    assert loaded * 10 < len(original)
    figures = {"original_bytes": len(original), "phone_page_image_bytes": loaded, "kind": kind}
    print(f"IMAGE-BYTES {json.dumps(figures)}")  # the closing note's before/after figure (-s to see it)
    expect(page.get_by_role("button", name="Add to cart")).to_be_visible()


def test_a_seeded_product_shows_its_generated_drawing_at_phone_size(request):
    page = open_browser(request, "page", "phone")
    loaded, shown = image_bytes_of_page(page, "/products/classic-linen-shirt")
    [main] = shown
    assert "/images/products/" in main["src"] and main["src"].endswith("-400.webp") and main["width"] <= 800
    print(f"IMAGE-BYTES {json.dumps({'seeded_phone_page_image_bytes': loaded})}")
    expect(page.get_by_role("heading", name="Classic Linen Shirt")).to_be_visible()


VIEWS = ("Front view", "Back view", "Folded on a shelf")


def upload_gallery(gateway_url: str, product: str, alts=VIEWS) -> None:
    for n, alt in enumerate(alts, start=1):
        r = requests.put(
            f"{gateway_url}/api/products/{product}/images/{n}",
            params={"alt": alt},
            data=photo(tint=40 * n),
            headers={**admin_headers(gateway_url), "Content-Type": "application/octet-stream"},
            timeout=20,
        )
        assert r.status_code == 200, r.text


@BOTH
def test_a_phone_shows_a_gallery_of_three_and_loads_no_image_wider_than_800_px(kind, request, gateway_url):
    page = open_browser(request, kind, "phone")
    product = create_lineup(gateway_url).ids["Alpha"]
    upload_gallery(gateway_url, product)
    loaded, shown = image_bytes_of_page(page, f"/products/{product}")
    main, *thumbnails = shown
    assert main["src"].endswith("-400.webp") and main["lazy"] == "eager" and len(thumbnails) == 3
    # Each thumbnail is lazy and at most 400 px: its 200 px copy, or the first's 400 px one that Chromium may reuse
    # from the large image it has just loaded.
    assert all(t["lazy"] == "lazy" and t["width"] <= 400 for t in thumbnails), thumbnails
    assert all(t["src"].endswith("-200.webp") for t in thumbnails[1:]), thumbnails
    assert max(i["width"] for i in shown) <= 800
    figures = {"gallery_of_3_phone_page_image_bytes": loaded, "thumbnails": [t["src"][-9:] for t in thumbnails]}
    print(f"IMAGE-BYTES {json.dumps({**figures, 'kind': kind})}")
    page.get_by_role("link", name="Back view").focus()
    page.keyboard.press("Enter")  # chosen from the keyboard
    expect(page).to_have_url(re.compile(rf"/products/{product}\?image=2$"))
    if kind == "page":  # htmx swapped the region in place: the focus stays on the chosen thumbnail
        expect(page.get_by_role("link", name="Back view")).to_be_focused()
    expect(page.get_by_role("link", name="Back view")).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("img", name="Back view")).to_have_count(2)  # shown large, and its thumbnail
    expect(page.get_by_role("img", name="Front view")).to_have_count(1)
    expect(page.get_by_role("button", name="Add to cart")).to_be_visible()
