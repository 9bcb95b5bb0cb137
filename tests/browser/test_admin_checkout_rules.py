"""The back office's checkout rules in Chromium, with and without JavaScript, on a phone and a desktop: add, edit
and delete a delivery option, a tax rate and a promo code, with each refusal beside its field."""

from __future__ import annotations

import uuid

import pytest
import requests
from playwright.sync_api import expect

from devstack.accounts import admin_headers
from fragments.admin import promotions, shipping, tax
from fragments.admin.forms import COMMA_MESSAGE
from tests.browser.pages.checkout_rules import PromotionsPage, ShippingPage, TaxPage
from tests.support.browser.variants import BOTH

WIDTHS = pytest.mark.parametrize("width", [390, 1280])
COUNTRIES = {("page", 390): "Sweden", ("page", 1280): "Norway", ("page_nojs", 390): "Denmark"}
CODES = {"Sweden": "SE", "Norway": "NO", "Denmark": "DK"}


def items(gateway_url: str, path: str) -> list[dict]:
    return requests.get(f"{gateway_url}{path}", headers=admin_headers(gateway_url), timeout=10).json()["items"]


@BOTH
@WIDTHS
def test_an_admin_adds_edits_and_deletes_a_delivery_option(kind, width, admin_page, gateway_url):
    page = admin_page(kind)
    page.set_viewport_size({"width": width, "height": 900})
    name = f"Courier {uuid.uuid4().hex[:6]}"
    options = ShippingPage(page).navigate()
    expect(options.row("Standard")).to_contain_text("$4.90")
    options.fill(Name=name, Countries="GB, XX", Price="6,50")
    options.button("Save option").click()
    expect(options.described("Countries")).to_have_accessible_description(shipping.MESSAGES["countries"])
    expect(options.described("Price")).to_have_accessible_description(COMMA_MESSAGE)
    options.fill(Countries="gb, ie", Price="6.50", **{"Free over": "100", "Delivery estimate": "Next day"})
    options.button("Save option").click()
    expect(options.notice).to_have_text("Delivery option saved.")
    expect(options.row(name)).to_contain_text("$100.00")
    assert {o["name"]: o["price"] for o in items(gateway_url, "/api/shipping?country=IE")}[name] == 650
    options.edit(name)
    expect(options.described("Price")).to_have_value("6.50")
    options.fill(Price="7")
    options.button("Save option").click()
    expect(options.row(name)).to_contain_text("$7.00")
    options.delete(name, "Yes, delete option")
    expect(options.notice).to_have_text("Delivery option deleted.")
    expect(options.row(name)).to_have_count(0)


@pytest.mark.parametrize(("kind", "width"), list(COUNTRIES), ids=["js-390", "js-1280", "nojs-390"])
def test_an_admin_sets_edits_and_deletes_a_tax_rate(kind, width, admin_page, gateway_url):
    page = admin_page(kind)
    page.set_viewport_size({"width": width, "height": 900})
    country = COUNTRIES[(kind, width)]
    code = CODES[country]
    rates = TaxPage(page).navigate()
    expect(rates.row("Germany (DE)")).to_contain_text("Include tax")
    rates.fill(Country=country, **{"Rate (%)": "120"})
    rates.button("Save rate").click()
    expect(rates.described("Rate (%)")).to_have_accessible_description(tax.MESSAGES["rate"])
    rates.fill(**{"Rate (%)": "25", "Prices include tax": "yes"})
    rates.button("Save rate").click()
    expect(rates.notice).to_have_text("Tax rate saved.")
    expect(rates.row(f"{country} ({code})")).to_contain_text("25 %")
    assert {r["id"]: (r["rate"], r["inclusive"]) for r in items(gateway_url, "/api/tax")}[code] == (2500, True)
    rates.edit(country)
    expect(rates.described("Rate (%)")).to_have_value("25")
    rates.fill(**{"Rate (%)": "12.5", "Prices include tax": "no"})
    rates.button("Save rate").click()
    expect(rates.row(f"{country} ({code})")).to_contain_text("Tax added")
    rates.delete(country, "Yes, delete rate")
    expect(rates.notice).to_have_text("Tax rate deleted.")
    expect(rates.row(f"{country} ({code})")).to_have_count(0)


@BOTH
@WIDTHS
def test_an_admin_adds_edits_and_deletes_a_promo_code(kind, width, admin_page, gateway_url):
    page = admin_page(kind)
    page.set_viewport_size({"width": width, "height": 900})
    code = f"T{uuid.uuid4().hex[:8]}".upper()
    codes = PromotionsPage(page).navigate()
    expect(codes.row("WELCOME10")).to_contain_text("10 % off")
    codes.fill(Code="two words", Value="150", Ends="2030-01-01", Starts="2030-02-01")
    codes.button("Save code").click()
    expect(codes.described("Code")).to_have_accessible_description(promotions.MESSAGES["code"])
    expect(codes.described("Value")).to_have_accessible_description(promotions.MESSAGES["percent"])
    expect(codes.described("Ends")).to_have_accessible_description(promotions.MESSAGES["ends_at"])
    codes.fill(
        Code=code,
        Value="5.00",
        Starts="",
        **{"Fixed amount off": "yes", "Minimum spend": "20", "Usage limit": "3", "One per customer": "yes"},
    )
    codes.button("Save code").click()
    expect(codes.notice).to_have_text("Promo code saved.")
    expect(codes.row(code)).to_contain_text("$5.00 off")
    expect(codes.row(code)).to_contain_text("0 of 3, one per customer")
    codes.fill(Code=code, Value="10")
    codes.button("Save code").click()
    expect(codes.described("Code")).to_have_accessible_description(promotions.MESSAGES["taken"])
    codes.page.goto(codes.url())
    codes.edit(code)
    expect(codes.described("Usage limit")).to_have_value("3")
    codes.fill(**{"Usage limit": "5"})
    codes.button("Save code").click()
    expect(codes.row(code)).to_contain_text("0 of 5")
    saved = {p["id"]: p for p in items(gateway_url, "/api/promotions")}[code]
    assert (saved["kind"], saved["value"], saved["min_spend"], saved["usage_limit"]) == ("fixed", 500, 2000, 5)
    codes.delete(code, "Yes, delete code")
    expect(codes.notice).to_have_text("Promo code deleted.")
    expect(codes.row(code)).to_have_count(0)
