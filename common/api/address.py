"""A postal address, defined once: its fields, for both APIs (orders, users) and both forms (checkout, profile)."""

from __future__ import annotations

import re
from typing import Annotated, NamedTuple

import pycountry
from pydantic import AfterValidator, Field

from .validation import StrictModel, any_case


class AddressField(NamedTuple):
    name: str  # the APIs' field name, also the form's input name
    label: str
    autocomplete: str
    max_length: int
    hint: str | None = None
    choices: tuple[tuple[str, str], ...] = ()  # (value, label): the form shows a <select>


# The country is an ISO 3166-1 alpha-2 code from pycountry's list (the standard's own data, kept up to date), in any
# case, stored upper-case: one rule, so an address typed at checkout can be saved in the profile. The forms show a
# <select> of names valued by code; a browser's autofill (autocomplete="country") picks the option by code or name.
COUNTRY_NAMES = {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}
COUNTRY_CHOICES = tuple(sorted(COUNTRY_NAMES.items(), key=lambda item: item[1]))
COUNTRY_MESSAGE = "Choose a country from the list."
POSTAL_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]*")
FIELDS = (
    AddressField("name", "Name", "name", 100),
    AddressField("line1", "Address", "address-line1", 200),
    AddressField("city", "City", "address-level2", 100),
    AddressField("postal_code", "Postal code", "postal-code", 12),
    AddressField("country", "Country", "country", 2, choices=COUNTRY_CHOICES),
)
NAMES = tuple(f.name for f in FIELDS)
_MAX = {f.name: f.max_length for f in FIELDS}
TEXT = r"^[^\x00-\x1f\x7f]+$"  # no control characters: these lines are printed on labels and in emails


def country_code(value: str) -> str:
    """An ISO 3166-1 alpha-2 code in any case, upper-cased; anything else is refused, naming what was sent."""
    code = value.upper()
    if code not in COUNTRY_NAMES:
        raise ValueError(f"{value[:20]!r} is not an ISO 3166-1 alpha-2 country code (e.g. US, GB, DE)")
    return code


def country_name(code: str) -> str:
    """The name shown for a stored code (an address kept from before the list shows its code)."""
    return COUNTRY_NAMES.get(code, code)


# The document names exactly the codes accepted, in any case.
COUNTRY_PATTERN = "^(?:" + "|".join(any_case(code) for code in sorted(COUNTRY_NAMES)) + ")$"
Country = Annotated[str, Field(json_schema_extra={"pattern": COUNTRY_PATTERN}), AfterValidator(country_code)]


class PostalAddress(StrictModel):
    """The body both APIs accept; each names it for its own /openapi.json."""

    name: str = Field(min_length=1, max_length=_MAX["name"], pattern=TEXT)
    line1: str = Field(min_length=1, max_length=_MAX["line1"], pattern=TEXT)
    city: str = Field(min_length=1, max_length=_MAX["city"], pattern=TEXT)
    postal_code: str = Field(min_length=2, max_length=_MAX["postal_code"], pattern=f"^{POSTAL_CODE.pattern}$")
    country: Country
