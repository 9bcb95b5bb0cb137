"""Browsing /products in Chromium: search as you type, filters, sort, paging, history, and the no-JS form."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages.products import CatalogPage, ProductPage


def mark_document(page) -> None:
    """A flag on window survives htmx swaps and disappears with any full page load."""
    page.evaluate("window.__sameDocument = true")


def same_document(page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def test_typing_a_search_updates_the_results_in_place_and_the_url(page, lineup):
    catalog = CatalogPage(page).navigate()
    mark_document(page)
    catalog.type_search(lineup.tag)
    expect(page).to_have_url(re.compile(rf"/products\?q={lineup.tag}"))
    expect(catalog.product_titles).to_have_text(sorted(lineup.names.values()))
    expect(catalog.search_box).to_be_focused()
    assert same_document(page)


def test_filters_and_sort_narrow_and_order_the_results(page, lineup):
    catalog = CatalogPage(page).navigate()
    mark_document(page)
    catalog.choose_category(lineup.category)
    expect(catalog.product_titles).to_have_count(5)
    catalog.min_price.fill("20")
    catalog.max_price.fill("40")
    catalog.max_price.press("Enter")
    expect(catalog.product_titles).to_have_text([lineup.names[w] for w in ("Bravo", "Charlie", "Delta")])
    catalog.sort_by("Price: high to low")
    expect(catalog.product_titles).to_have_text([lineup.names[w] for w in ("Delta", "Charlie", "Bravo")])
    expect(page).to_have_url(re.compile(rf"category={lineup.category}.*min_price=20.*max_price=40.*sort=-price"))
    assert same_document(page)
    page.reload()
    expect(catalog.product_titles).to_have_text([lineup.names[w] for w in ("Delta", "Charlie", "Bravo")])
    expect(catalog.sort).to_have_value("-price")


def test_paging_keeps_the_filters_and_back_forward_and_reload_restore_each_page(page, lineup):
    catalog = CatalogPage(page).navigate(f"/products?category={lineup.category}&per_page=2")
    expect(catalog.page_status).to_have_text("Page 1 of 3")
    catalog.next_page.click()
    expect(page).to_have_url(re.compile(rf"category={lineup.category}&per_page=2&page=2"))
    expect(catalog.product_titles).to_have_text([lineup.names["Charlie"], lineup.names["Delta"]])
    catalog.next_page.click()
    expect(catalog.product_titles).to_have_text([lineup.names["Echo"]])
    page.go_back()
    expect(catalog.page_status).to_have_text("Page 2 of 3")
    page.go_back()
    expect(catalog.page_status).to_have_text("Page 1 of 3")
    expect(catalog.product_titles).to_have_text([lineup.names["Alpha"], lineup.names["Bravo"]])
    page.go_forward()
    expect(catalog.page_status).to_have_text("Page 2 of 3")
    page.reload()
    expect(catalog.product_titles).to_have_text([lineup.names["Charlie"], lineup.names["Delta"]])


def test_back_returns_to_the_previous_search_with_its_words_in_the_box(page, lineup):
    catalog = CatalogPage(page).navigate()
    catalog.type_search(lineup.tag)
    expect(catalog.product_titles).to_have_count(5)
    catalog.search_box.fill("")
    catalog.type_search("ceramic mug")
    expect(catalog.product_titles).to_have_text(["Ceramic Mug Set"])
    page.go_back()
    expect(page).to_have_url(re.compile(rf"q={lineup.tag}"))
    expect(catalog.search_box).to_have_value(lineup.tag)
    expect(catalog.product_titles).to_have_count(5)


def test_the_catalog_form_and_paging_work_without_javascript(page_nojs, lineup):
    catalog = CatalogPage(page_nojs).navigate()
    catalog.search_box.fill(lineup.tag)
    catalog.choose_category(lineup.category)
    catalog.sort_by("Price: high to low")
    catalog.apply()
    expect(page_nojs).to_have_url(re.compile(rf"q={lineup.tag}&category={lineup.category}"))
    expect(catalog.product_titles.first).to_have_text(lineup.names["Echo"])
    catalog.navigate(f"/products?category={lineup.category}&per_page=2&sort=-price")
    catalog.next_page.click()
    expect(page_nojs).to_have_url(re.compile(rf"category={lineup.category}&sort=-price&per_page=2&page=2$"))
    expect(catalog.product_titles).to_have_text([lineup.names["Charlie"], lineup.names["Bravo"]])


def test_a_price_that_is_not_a_number_is_explained_next_to_the_field(page_nojs, lineup):
    catalog = CatalogPage(page_nojs).navigate()
    catalog.min_price.fill("cheap")
    catalog.apply()
    expect(catalog.region.get_by_text("Enter a price in dollars, like 25 or 19.99.").first).to_be_visible()
    expect(catalog.min_price).to_have_attribute("aria-invalid", "true")


@pytest.mark.parametrize("word, state", [("Alpha", "In stock"), ("Bravo", "Only 3 left"), ("Charlie", "Out of stock")])
def test_the_product_page_shows_its_stock_state(page, lineup, word, state):
    product = ProductPage(page).navigate(lineup.ids[word])
    expect(product.title).to_have_text(lineup.names[word])
    expect(product.stock_state).to_have_text(state)
    if state == "Out of stock":  # "Sold out" in place of the button, not a greyed "Add to cart"
        expect(product.add_button).to_have_count(0)
        expect(product.region.get_by_role("status").filter(has_text="Sold out")).to_be_visible()
    else:
        expect(product.add_button).to_be_enabled()


def test_a_search_result_opens_its_product_page(page, lineup):
    catalog = CatalogPage(page).navigate(f"/products?q={lineup.tag}")
    catalog.choose_product(lineup.names["Delta"])
    expect(page).to_have_url(re.compile(rf"/products/{lineup.ids['Delta']}$"))
    expect(ProductPage(page).title).to_have_text(lineup.names["Delta"])
