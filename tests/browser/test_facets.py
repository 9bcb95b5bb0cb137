"""The catalog's filters with counts, in Chromium: choosing one narrows the grid and the URL, and every other filter's
counts follow while the chosen filter keeps its own; "In stock only" leaves out sold-out products; the same by full
page loads without JavaScript, on a phone too."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.pages.products import CatalogPage
from tests.support.browser.catalog_data import create_lineup, create_sized_lineup
from tests.support.browser.variants import EVERY_WAY, open_browser


@EVERY_WAY
def test_facets_narrow_the_grid_with_the_right_counts(kind, width, request, gateway_url):
    page = open_browser(request, kind, width)
    lineup = create_lineup(gateway_url)  # $10, $20, $30, $40, $50; Charlie has none in stock
    names = lineup.names
    catalog = CatalogPage(page).navigate(f"/products?q={lineup.tag}")
    catalog.open_filters()
    for band, n in (("Under $25", 2), ("$25 to $50", 2), ("$50 to $100", 1), ("$100 and over", 0)):
        expect(catalog.choice(f"{band} ({n})")).to_be_visible()
    expect(catalog.category.locator("option:checked")).to_have_text("All categories")
    expect(catalog.category.locator(f'option[value="{lineup.category}"]')).to_have_text(
        f"{lineup.category.capitalize()} (5)"
    )

    catalog.choice("$25 to $50").check()
    if kind == "page_nojs":
        catalog.apply()
    expect(page).to_have_url(re.compile(rf"q={lineup.tag}.*price_band=25-50"))
    expect(catalog.product_titles).to_have_text([names["Charlie"], names["Delta"]])
    expect(catalog.result_count).to_have_text("2 products")
    # The price bands keep their counts (a band's count leaves its own choice out); the category's follows.
    expect(catalog.choice("Under $25 (2)")).to_be_visible()
    expect(catalog.choice("$25 to $50 (2)")).to_be_checked()
    expect(catalog.category.locator(f'option[value="{lineup.category}"]')).to_have_text(
        f"{lineup.category.capitalize()} (2)"
    )

    # Charlie was created with no stock, so it starts sold out (later, inventory's stock.changed keeps the flag).
    expect(catalog.choice("In stock only (1)")).to_be_visible()  # of the two in the band
    catalog.in_stock_only.check()
    if kind == "page_nojs":
        catalog.apply()
    expect(catalog.product_titles).to_have_text([names["Delta"]])
    expect(page).to_have_url(re.compile(r"price_band=25-50.*in_stock=true"))
    expect(catalog.choice("$25 to $50 (1)")).to_be_checked()  # the bands now count in-stock products only
    expect(catalog.choice("Under $25 (2)")).to_be_visible()

    catalog.choice("Any price").check()
    if kind == "page_nojs":
        catalog.apply()
    expect(catalog.product_titles).to_have_count(4)
    expect(catalog.in_stock_only).to_be_checked()
    expect(catalog.choice("In stock only (4)")).to_be_visible()
    expect(page).not_to_have_url(re.compile("price_band=25"))


@EVERY_WAY
def test_sizes_and_colours_narrow_the_grid_each_keeping_its_own_counts(kind, width, request, gateway_url):
    page = open_browser(request, kind, width)
    shirts = create_sized_lineup(gateway_url)  # Linen S, M × Sand, Navy; Oxford M, L × Navy; Flannel L × Red, none left
    names = shirts.names
    catalog = CatalogPage(page).navigate(f"/products?category={shirts.category}")
    catalog.open_filters()
    for label in ("S (1)", "M (2)", "L (2)", "Navy (2)", "Red (1)", "Sand (1)", "In stock only (2)"):
        expect(catalog.choice(label)).to_be_visible()

    catalog.choice("M (2)").check()
    if kind == "page_nojs":
        catalog.apply()
    expect(page).to_have_url(re.compile(r"size=M"))
    expect(catalog.product_titles).to_have_text([names["Linen"], names["Oxford"]])
    expect(catalog.choice("L (2)")).to_be_visible()  # the sizes keep their counts
    expect(catalog.choice("Navy (2)")).to_be_visible()
    expect(catalog.choice("Red")).to_have_count(0)  # no product in M comes in red

    catalog.choice("Sand (1)").check()
    if kind == "page_nojs":
        catalog.apply()
    expect(page).to_have_url(re.compile(r"size=M.*colour=Sand"))
    expect(catalog.product_titles).to_have_text([names["Linen"]])
    expect(catalog.choice("M (1)")).to_be_checked()  # sizes in sand: the Linen's
    expect(catalog.choice("S (1)")).to_be_visible()
    expect(catalog.choice("Navy (2)")).to_be_visible()  # colours in M, as before
