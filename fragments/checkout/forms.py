"""Checkout form input: the shipping address and the card's expiry, checked before anything is sent on."""
from __future__ import annotations

import re

ADDRESS_FIELDS = {  # API field: (label, max length)
    "name": ("Name", 100), "line1": ("Address", 200), "city": ("City", 100), "postal_code": ("Postal code", 20),
    "country": ("Country", 56),
}
POSTAL_CODE = re.compile(r"[A-Za-z0-9 -]+")
EXPIRY = re.compile(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*")


def address(form) -> tuple[dict, dict]:
    """(address, errors): every field required, within its length; postal codes are letters, digits, - and spaces."""
    values = {k: form.get(k, "").strip()[:300] for k in ADDRESS_FIELDS}
    errors = {}
    for key, (label, limit) in ADDRESS_FIELDS.items():
        if not values[key]:
            errors[key] = f"Enter the {label.lower()}."
        elif len(values[key]) > limit:
            errors[key] = f"Use at most {limit} characters."
    if values["postal_code"] and "postal_code" not in errors and not POSTAL_CODE.fullmatch(values["postal_code"]):
        errors["postal_code"] = "Use letters, digits, spaces and dashes only."
    if values["country"] and "country" not in errors and len(values["country"]) < 2:
        errors["country"] = "Enter the country."
    return values, errors


def expiry(text: str) -> tuple[int, int] | None:
    """MM/YY or MM/YYYY as (month, four-digit year), or None."""
    match = EXPIRY.fullmatch(text or "")
    if not match:
        return None
    month, year = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return None
    return month, year + 2000 if year < 100 else year
