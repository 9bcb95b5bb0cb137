"""Card facts computed from a number in memory: validity, brand, last four. Nothing here keeps the number."""

from __future__ import annotations

from datetime import UTC, datetime

BRANDS = (  # (brand, prefixes, valid lengths), checked in order
    ("amex", ("34", "37"), (15,)),
    ("visa", ("4",), (13, 16, 19)),
    ("mastercard", tuple(str(p) for p in range(51, 56)) + tuple(str(p) for p in range(2221, 2721)), (16,)),
    ("discover", ("6011", "65"), (16, 19)),
)


def digits(card_number: str) -> str:
    """Spaces and dashes are how people type card numbers; anything else is not a digit."""
    return card_number.replace(" ", "").replace("-", "")


def luhn_ok(number: str) -> bool:
    if not number.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def brand_of(number: str) -> str | None:
    for brand, prefixes, lengths in BRANDS:
        if number.startswith(prefixes) and len(number) in lengths:
            return brand
    return None


def expired(exp_month: int, exp_year: int, today: datetime | None = None) -> bool:
    """A card is good through the last day of its expiry month."""
    today = today or datetime.now(UTC)
    return (exp_year, exp_month) < (today.year, today.month)


def check(number: str, exp_month: int, exp_year: int, cvc: str) -> dict[str, str]:
    """Field errors for a card, without ever quoting the number."""
    errors: dict[str, str] = {}
    brand = brand_of(number)
    if not (12 <= len(number) <= 19) or not luhn_ok(number) or brand is None:
        errors["card_number"] = "Card number is not valid"
    if expired(exp_month, exp_year):
        errors["exp"] = "Card has expired"
    if len(cvc) != (4 if brand == "amex" else 3):
        errors["cvc"] = "CVC must be 4 digits for American Express, else 3"
    return errors
