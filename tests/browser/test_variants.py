"""Sizes and colours in Chromium, every way (JavaScript on and off, desktop and phone): the shopper picks Size M of a
linen shirt, adds it and buys it, and M's stock moves while L's does not; a sold-out combination is shown, disabled,
and cannot be added; the back office makes a product with two options and three images that the storefront then
sells."""

from __future__ import annotations

import contextlib
import re
import uuid

import requests
from playwright.sync_api import expect

from devstack.accounts import admin_headers
from tests.browser.pages.admin import ProductForm
from tests.browser.pages.auth import sign_in_as_admin, use_session
from tests.browser.pages.cart import CartPage
from tests.browser.pages.checkout import CheckoutPage
from tests.browser.pages.products import ProductPage, cart_count
from tests.support.accounts_apps import new_user
from tests.support.browser.catalog_data import photo
from tests.support.browser.variants import EVERY_WAY, open_browser
from tests.support.polling import wait_until

SETTLE_MS = 30_000


def linen_shirt(gateway_url: str) -> dict:
    """A linen shirt of this test's own (so no other test moves its stock): Size S, M, L and Colour Sand, Navy, each
    combination 5 in stock but L in Navy, sold out."""
    tag = uuid.uuid4().hex[:8].upper()
    sizes, colours = ["S", "M", "L"], ["Sand", "Navy"]
    body = {
        "name": f"Linen Shirt {tag}",
        "description": "Washed linen, relaxed fit.",
        "price": 4900,
        "category": f"bt-{tag.lower()}",
        "sku": f"LS-{tag}",
        "options": [{"name": "Size", "values": sizes}, {"name": "Colour", "values": colours}],
        "variants": [
            {"options": {"Size": s, "Colour": c}, "initial_stock": 0 if (s, c) == ("L", "Navy") else 5}
            for s in sizes
            for c in colours
        ],
    }
    r = requests.post(f"{gateway_url}/api/products", json=body, headers=admin_headers(gateway_url), timeout=10)
    r.raise_for_status()
    shirt = r.json()
    wait_until(lambda: len(stock(gateway_url, shirt)) == 6, message="inventory to count the shirt's variants")
    return shirt


def stock(gateway_url: str, product: dict) -> dict[str, int]:
    skus = ",".join(v["sku"] for v in product["variants"])
    items = requests.get(f"{gateway_url}/api/inventory", params={"skus": skus}, timeout=5).json()["items"]
    return {i["sku"]: i["available"] + i["reserved"] for i in items}  # held or not, the units still on the shelf


@EVERY_WAY
def test_a_shopper_picks_size_m_adds_it_and_buys_it_and_only_ms_stock_moves(
    request, kind, width, base_url, gateway_url
):
    page = open_browser(request, kind, width)
    js = kind == "page"
    shirt = linen_shirt(gateway_url)
    m_sand, l_sand = (f"{shirt['sku']}-{size}-SAND" for size in ("M", "L"))
    before = stock(gateway_url, shirt)
    use_session(page, base_url, new_user(gateway_url, name="Ada Sizes"))

    product = ProductPage(page).navigate(shirt["id"])
    expect(product.value("Size", "S")).to_be_checked()  # the first combination in stock
    product.value("Size", "M").check()
    if js:  # the region swaps in place and the URL names the variant
        expect(page).to_have_url(re.compile(rf"\?variant={m_sand}$"))
        expect(product.sku).to_have_text(f"SKU {m_sand}")
    with contextlib.nullcontext() if js else page.expect_navigation():
        product.add_to_cart(1)
    if js:
        expect(product.region.locator("#add-status")).to_contain_text("Added to your cart")
    else:  # the page answers for the chosen values
        expect(product.sku).to_have_text(f"SKU {m_sand}")
        expect(product.value("Size", "M")).to_be_checked()
    expect(product.mini_cart).to_have_accessible_name(cart_count(1))

    cart = CartPage(page).navigate()
    expect(cart.region.get_by_role("link", name=f"{shirt['name']} — M / Sand")).to_be_visible()
    checkout = CheckoutPage(page).start_from_cart()
    checkout.enter_address("Ada Lovelace", "12 Analytical Row", "London", "N1 9GU", "GB")
    expect(checkout.region).to_contain_text(f"{shirt['name']} — M / Sand")
    confirmation = checkout.place_order().pay_and_return("4242 4242 4242 4242")
    expect(confirmation.status).to_have_text("Confirmed", timeout=SETTLE_MS)

    # the confirmed order's units leave the shelf when inventory reads order.confirmed: wait for that
    wait_until(lambda: stock(gateway_url, shirt)[m_sand] == before[m_sand] - 1, message="M / Sand's unit to be taken")
    after = stock(gateway_url, shirt)
    assert after[m_sand] == before[m_sand] - 1
    assert {sku: n for sku, n in after.items() if sku != m_sand} == {
        sku: n for sku, n in before.items() if sku != m_sand
    }
    assert after[l_sand] == before[l_sand] == 5


@EVERY_WAY
def test_a_sold_out_combination_is_shown_disabled_and_cannot_be_added(request, kind, width, gateway_url):
    page = open_browser(request, kind, width)
    shirt = linen_shirt(gateway_url)
    product = ProductPage(page).navigate(shirt["id"])
    product.value("Colour", "Navy").check()
    if kind == "page":
        expect(page).to_have_url(re.compile(rf"\?variant={shirt['sku']}-S-NAVY$"))
        large = product.value("Size", "L")
        expect(large).to_be_disabled()  # L in Navy: none left
        expect(product.option("Size")).to_contain_text("L Sold out")
    else:  # without JavaScript the page shows Navy once asked: the form's values, then the disabled choice
        page.goto(f"/products/{shirt['id']}?variant={shirt['sku']}-S-NAVY")
        expect(product.value("Size", "L")).to_be_disabled()
    # the page of the sold-out variant itself (a link kept from before it sold out)
    page.goto(f"/products/{shirt['id']}?variant={shirt['sku']}-L-NAVY")
    expect(product.region.get_by_role("status").first).to_have_text("Sold out")
    product.add_to_cart(1)
    refusal = f"{shirt['name']} — L / Navy is out of stock"
    if kind == "page":
        expect(product.region.locator("#add-status")).to_have_text(refusal)
    else:
        expect(page.get_by_role("alert")).to_have_text(refusal)
    page.goto("/cart")
    expect(product.mini_cart).to_have_accessible_name(cart_count(0))


VIEWS = ("The socks, a pair", "The heel, up close", "Worn with a trail shoe")


@EVERY_WAY
def test_the_admin_makes_a_product_with_two_options_and_three_images_and_the_storefront_sells_each_combination(
    request, kind, width, base_url, gateway_url
):
    page = open_browser(request, kind, width)
    sign_in_as_admin(page, base_url, gateway_url)
    tag = uuid.uuid4().hex[:8].upper()
    form = ProductForm(page).navigate("/products/new")
    for label, value in (
        ("Name", f"Trail Sock {tag}"),
        ("Description", "Merino, cushioned."),
        ("Category", f"bt-{tag.lower()}"),
        ("Price", "12.50"),
        ("SKU", f"TS-{tag}"),
        ("Initial stock", "4"),
        ("Option 1", "Size"),
        ("Values of option 1", "S, M, L"),
        ("Option 2", "Colour"),
        ("Values of option 2", "Grey, Olive"),
    ):
        form.region.get_by_label(label, exact=True).fill(value)
    form.region.get_by_role("button", name="Save product").click()
    expect(form.region.get_by_text("Product saved.")).to_be_visible()
    variants = form.region.get_by_role("table", name="Variants")
    expect(variants.get_by_role("row")).to_have_count(7)  # the header and 3 × 2 combinations
    olive_m = variants.get_by_role("row", name=re.compile(r"^M \/ Olive"))
    expect(olive_m.get_by_label("SKU", exact=True)).to_have_value(f"TS-{tag}-M-OLIVE")
    olive_m.get_by_label("Price", exact=True).fill("14.00")
    with page.expect_response(lambda r: r.request.method == "POST" and "/f/admin/products/" in r.url):
        form.region.get_by_role("button", name="Save product").click()  # the page says "Product saved." already
    page.wait_for_load_state()
    expect(form.region.get_by_role("table", name="Variants").get_by_label("Price", exact=True).nth(3)).to_have_value(
        "14.00"
    )
    product_id = page.url.split("/admin/products/")[1].split("?")[0]
    for n, alt in enumerate(VIEWS, start=1):
        form.upload_image(f"sock-{n}.jpg", "image/jpeg", photo(70 * n), alt=alt)
        expect(form.gallery_image(n).get_by_label("Alt text")).to_have_value(alt)

    page.goto(f"/products/{product_id}?variant=TS-{tag}-M-OLIVE")
    product = ProductPage(page)
    expect(product.title).to_have_text(f"Trail Sock {tag}")
    expect(product.option("Size").get_by_role("radio")).to_have_count(3)
    expect(product.option("Colour").get_by_role("radio")).to_have_count(2)
    expect(product.region.locator(".product-price")).to_have_text("$14.00")
    expect(product.stock_state).to_have_text("Only 4 left", timeout=10_000)
    gallery = page.locator("#product-gallery")
    expect(gallery.locator("img").first).to_have_attribute("alt", VIEWS[0])
    expect(gallery.get_by_role("link")).to_have_count(3)  # one thumbnail per image, each showing it large
    page.goto(f"/products?q=Trail+Sock+{tag}")
    expect(page.locator("#results")).to_contain_text("from $12.50")
