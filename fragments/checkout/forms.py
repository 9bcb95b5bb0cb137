"""Checkout form input: the shipping address and a guest's email, checked before anything is sent on."""

from __future__ import annotations

from pydantic import TypeAdapter, ValidationError

from common.api.address import COUNTRY_MESSAGE, FIELDS, PostalAddress
from common.api.validation import Email

EMAIL = TypeAdapter(Email)


def _message(field, value: str, error_type: str) -> str:
    if not value:
        return f"Enter the {field.label.lower()}."
    if field.name == "country":
        return COUNTRY_MESSAGE
    if error_type == "string_too_long":
        return f"Use at most {field.max_length} characters."
    if field.name == "postal_code":
        return "Use letters, digits, spaces and dashes only."
    return f"Check the {field.label.lower()}."


def address(form) -> tuple[dict, dict]:
    """(address, errors), checked by the orders and users APIs' own model, so what passes here both accept."""
    values = {f.name: form.get(f.name, "").strip()[:300] for f in FIELDS}
    try:
        return PostalAddress.model_validate(values).model_dump(), {}
    except ValidationError as e:
        failed = {err["loc"][0]: err["type"] for err in e.errors()}
    return values, {f.name: _message(f, values[f.name], failed[f.name]) for f in FIELDS if f.name in failed}


def email(text: str) -> tuple[str, str | None]:
    """(email as typed or normalised, error): checked by the orders API's own rule for a guest's email."""
    text = text.strip()[:300]
    if not text:
        return text, "Enter your email address."
    try:
        return EMAIL.validate_python(text), None
    except ValidationError:
        return text, "Enter an email address like name@example.com."
