"""The back office's form reading: prices typed as decimals become minor units, or nothing."""

from __future__ import annotations

import pytest

from fragments.admin.forms import COMMA_MESSAGE, PRODUCT_MESSAGES, price_message, price_minor, price_text, whole


@pytest.mark.parametrize(
    ("typed", "minor"),
    [
        ("19.99", 1999),
        ("19", 1900),
        ("7.5", 750),
        ("$1,299.00", 129900),
        ("12,345.5", 1234550),
        ("0.01", 1),
        ("0", 0),
        (" 3.10 ", 310),
    ],
)
def test_a_typed_price_becomes_minor_units(typed, minor):
    assert price_minor(typed) == minor


@pytest.mark.parametrize(
    "typed", ["", "abc", "-3", "1.999", "1e3", "12345678", "1.2.3", "NaN", "١٢", "24,50", "1,299", "1,2,3.00", ",5"]
)
def test_anything_else_is_not_a_price(typed):
    assert price_minor(typed) is None


def test_a_comma_that_could_be_the_decimals_is_refused_with_its_own_message_never_scaled():
    assert price_minor("24,50") is None
    assert (price_message("24,50"), price_message("24.5.0")) == (COMMA_MESSAGE, PRODUCT_MESSAGES["price"])


def test_minor_units_show_as_the_form_types_them():
    assert (price_text(1999), price_text(5), price_text(None)) == ("19.99", "0.05", "")


@pytest.mark.parametrize(
    ("typed", "value"), [("0", 0), ("-2", -2), ("12", 12), ("1.5", None), ("", None), ("99999999", None)]
)
def test_whole_numbers(typed, value):
    assert whole(typed) == value
