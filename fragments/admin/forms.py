"""Reading the back office's forms: trimmed text, prices as decimals, and the API's field errors as messages."""

from __future__ import annotations

import re

from flask import request

PRICE = re.compile(r"^([0-9]{1,7})(?:\.([0-9]{1,2}))?$")  # ASCII digits only (\d takes any script)
# A comma is read only as a thousands separator, and only when a decimal point shows it cannot be the decimals
# ("1,299.00"): "24,50" or "1,299" could mean either, and reading them wrong scales a price 100x or 1000x.
GROUPED = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]{1,2}$")
COMMA_MESSAGE = "Use a point for the decimals, e.g. 24.50 (a comma could mean 2,450)."
PRODUCT_MESSAGES = {
    "name": "Enter a name (1 to 200 characters).",
    "description": "Keep the description under 2,000 characters.",
    "category": "Use lowercase letters, digits and dashes, e.g. kitchen.",
    "price": "Enter a price above 0 like 19.99.",
    "sku": "Use letters, digits and dashes (up to 40), e.g. KIT-010.",
    "initial_stock": "Enter a whole number of units, 0 or more.",
    "image": "Choose a PNG, JPEG or WebP image.",
}


def text(name: str, limit: int = 2000) -> str:
    return request.form.get(name, "").strip()[: limit + 1]  # one over the limit, so the API can say it is too long


def price_minor(value: str) -> int | None:
    """A decimal as typed ("19.99", "$1,299.00", "7.5") in minor units, or None when it is not a price."""
    value = value.removeprefix("$").strip()
    if "," in value:
        value = value.replace(",", "") if GROUPED.fullmatch(value) else ""
    found = PRICE.fullmatch(value)
    if not found:
        return None
    return int(found[1]) * 100 + int((found[2] or "0").ljust(2, "0"))


def price_message(value: str) -> str:
    """Why a typed price was refused: a comma gets its own message, since it is the likely slip."""
    return COMMA_MESSAGE if "," in value else PRODUCT_MESSAGES["price"]


def price_text(minor) -> str:
    """Minor units back to what the form shows: 1999 -> "19.99"."""
    return f"{int(minor) // 100}.{int(minor) % 100:02d}" if isinstance(minor, int) else ""


def whole(value: str) -> int | None:
    value = value.strip()
    return int(value) if re.fullmatch(r"-?[0-9]{1,7}", value) else None
