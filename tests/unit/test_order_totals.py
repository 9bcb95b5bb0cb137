"""An order's money from one pure function: subtotal, discount, delivery, tax and total over the edge cases."""

from __future__ import annotations

import random

import pytest

from services.orders.totals import DeliveryOption, Promo, PromoNotMet, TaxRate, price, spread

STANDARD = DeliveryOption("standard", "Standard", 490, free_over=7500, countries=("US", "DE"))
EXPRESS = DeliveryOption("express", "Express", 1200, countries=("US", "DE"))
TAXES = {
    "US": TaxRate("US", 700, inclusive=False),
    "GB": TaxRate("GB", 2000, inclusive=True),
    "DE": TaxRate("DE", 1900, inclusive=True),
}
WELCOME10 = Promo("WELCOME10", "percent", 10, min_spend=3000)


def line(pid: str, unit: int, qty: int = 1) -> dict:
    return {"product_id": pid, "unit_price": unit, "quantity": qty}


def test_an_empty_order_costs_only_its_delivery():
    b = price([], "US", EXPRESS, None, TAXES)
    assert (b.subtotal, b.discount, b.delivery, b.tax, b.total) == (0, 0, 1200, 84, 1284)


def test_a_zero_price_line_carries_no_tax_and_no_delivery_option_means_no_delivery():
    b = price([line("free", 0, 3)], "US", None, None, TAXES)
    assert (b.subtotal, b.delivery, b.tax, b.total) == (0, 0, 0, 0)


def test_exclusive_tax_is_added_on_top_of_goods_and_delivery():
    b = price([line("a", 1999, 2)], "US", STANDARD, None, TAXES)
    # 3998 * 7 % = 279.86 -> 280; 490 * 7 % = 34.3 -> 34
    assert (b.subtotal, b.delivery, b.tax, b.total) == (3998, 490, 314, 3998 + 490 + 314)
    assert not b.tax_inclusive


def test_inclusive_tax_is_shown_but_already_inside_the_prices():
    b = price([line("a", 1200)], "GB", EXPRESS, None, TAXES)
    # 1200 holds 200 of 20 % VAT; so does the delivery's 1200
    assert (b.subtotal, b.delivery, b.tax, b.total) == (1200, 1200, 400, 2400)
    assert b.tax_inclusive


def test_the_same_basket_costs_more_where_tax_is_exclusive():
    lines = [line("a", 5000)]
    us, de = price(lines, "US", EXPRESS, None, TAXES), price(lines, "DE", EXPRESS, None, TAXES)
    assert us.total == 6200 + 434
    assert de.total == 6200 and de.tax == 798 + 192  # 5000*19/119 = 798.3; 1200*19/119 = 191.6


def test_delivery_is_free_exactly_at_the_threshold_and_charged_one_cent_below():
    assert price([line("a", 7500)], "US", STANDARD, None, TAXES).delivery == 0
    assert price([line("a", 7499)], "US", STANDARD, None, TAXES).delivery == 490


def test_the_threshold_counts_the_goods_after_the_discount():
    b = price([line("a", 8000)], "US", STANDARD, WELCOME10, TAXES)
    assert (b.discount, b.delivery) == (800, 490)


def test_a_hundred_percent_code_leaves_only_delivery_to_pay():
    everything = Promo("ALL", "percent", 100)
    b = price([line("a", 1999, 3), line("b", 501)], "US", EXPRESS, everything, TAXES)
    assert (b.subtotal, b.discount, b.delivery, b.tax, b.total) == (6498, 6498, 1200, 84, 1284)
    assert all(p.tax == 0 for p in b.lines if p.key != "delivery")


def test_a_fixed_code_never_takes_off_more_than_the_goods():
    b = price([line("a", 700)], "US", None, Promo("BIG", "fixed", 5000), TAXES)
    assert (b.discount, b.total) == (700, 0)


def test_a_code_below_its_minimum_spend_is_refused_and_at_it_applies():
    with pytest.raises(PromoNotMet) as refused:
        price([line("a", 2999)], "US", None, WELCOME10, TAXES)
    assert refused.value.min_spend == 3000
    assert price([line("a", 3000)], "US", None, WELCOME10, TAXES).discount == 300


def test_tax_is_computed_per_line_after_each_lines_share_of_the_discount():
    b = price([line("a", 1000), line("b", 3000)], "US", None, Promo("FIVE", "fixed", 500), TAXES)
    goods = [p for p in b.lines if p.key != "delivery"]
    assert [p.discount for p in goods] == [125, 375]
    assert [p.tax for p in goods] == [61, 184]  # 875 * 7 % = 61.25; 2625 * 7 % = 183.75
    assert b.tax == 245


def test_rounding_is_half_even_in_minor_units():
    # 50 * 7 % = 3.5 -> 4 (to even); 150 * 7 % = 10.5 -> 10 (to even)
    assert price([line("a", 50)], "US", None, None, TAXES).tax == 4
    assert price([line("a", 150)], "US", None, None, TAXES).tax == 10


def test_a_country_without_a_rate_pays_no_tax():
    b = price([line("a", 1000)], "FR", EXPRESS, None, TAXES)
    assert (b.tax, b.total, b.tax_inclusive) == (0, 2200, False)


@pytest.mark.parametrize("country", ["US", "GB", "DE"])
def test_across_many_lines_the_lines_sum_exactly_to_the_breakdown(country):
    rng = random.Random(20)
    lines = [line(f"p{i}", rng.randint(1, 99_999), rng.randint(1, 9)) for i in range(60)]
    b = price(lines, country, STANDARD, Promo("ODD", "percent", 33), TAXES)
    assert sum(p.amount for p in b.lines) == b.subtotal + b.delivery
    assert sum(p.discount for p in b.lines) == b.discount
    assert sum(p.tax for p in b.lines) == b.tax
    added = 0 if b.tax_inclusive else b.tax
    assert b.total == b.subtotal - b.discount + b.delivery + added


def test_a_spread_adds_up_exactly_and_favours_the_largest_remainder():
    assert spread(100, [1, 1, 1]) == [34, 33, 33]
    assert spread(10, [0, 5, 5]) == [0, 5, 5]
    assert spread(0, [3, 4]) == [0, 0]
    assert spread(7, []) == []
