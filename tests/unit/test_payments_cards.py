"""Card checks done in memory: Luhn, brand, expiry, CVC length; messages never quote the number."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.payments import cards
from services.payments.processor import CardInput


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4242424242424242", "visa"),
        ("4000000000000002", "visa"),
        ("4000000000009995", "visa"),
        ("4000000000000119", "visa"),
        ("5555555555554444", "mastercard"),
        ("2223003122003222", "mastercard"),
        ("378282246310005", "amex"),
        ("6011111111111117", "discover"),
    ],
)
def test_the_test_cards_pass_luhn_and_get_their_brand(number, brand):
    assert cards.luhn_ok(number) and cards.brand_of(number) == brand
    assert cards.check(number, 12, 2099, "1234" if brand == "amex" else "123") == {}


@pytest.mark.parametrize("number", ["4242424242424241", "1234567812345678", "42424242", "4242x24242424242", ""])
def test_a_mistyped_number_is_not_valid_and_the_error_does_not_quote_it(number):
    errors = cards.check(number, 12, 2099, "123")
    assert errors == {"card_number": "Card number is not valid"}


def test_spaces_and_dashes_are_how_people_type_numbers():
    assert cards.digits("4242 4242-4242 4242") == "4242424242424242"


def test_a_card_is_good_through_its_expiry_month():
    june = datetime(2030, 6, 15, tzinfo=UTC)
    assert not cards.expired(6, 2030, june) and cards.expired(5, 2030, june) and cards.expired(12, 2029, june)
    assert "exp" in cards.check("4242424242424242", 1, 2001, "123")


def test_amex_takes_four_cvc_digits_and_the_others_three():
    assert "cvc" in cards.check("378282246310005", 12, 2099, "123")
    assert "cvc" in cards.check("4242424242424242", 12, 2099, "1234")


def test_a_card_in_flight_never_prints_its_number():
    card = CardInput("4242424242424242", 12, 2099, "123")
    assert "424242424242" not in repr(card) and "424242424242" not in str(card) and "4242" in repr(card)
    assert "123" not in repr(card).replace("2099", "")
