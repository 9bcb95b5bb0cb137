"""A postal address, defined once: its fields, for both APIs (orders, users) and both forms (checkout, profile)."""

from __future__ import annotations

import re
from typing import Annotated, NamedTuple

from pydantic import AfterValidator, Field

from .validation import StrictModel


class AddressField(NamedTuple):
    name: str  # the APIs' field name, also the form's input name
    label: str
    autocomplete: str
    max_length: int
    hint: str | None = None


# The country is an ISO 3166-1 alpha-2 code in any case, stored upper-case: one rule, so an address typed at
# checkout can be saved in the profile, and a browser's autofill (autocomplete="country") gives the code.
COUNTRY = re.compile(r"[A-Za-z]{2}")
COUNTRY_MESSAGE = "Use the 2-letter country code, e.g. US."
POSTAL_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]*")
FIELDS = (
    AddressField("name", "Name", "name", 100),
    AddressField("line1", "Address", "address-line1", 200),
    AddressField("city", "City", "address-level2", 100),
    AddressField("postal_code", "Postal code", "postal-code", 12),
    AddressField("country", "Country", "country", 2, hint="2-letter code, e.g. US, GB, DE."),
)
NAMES = tuple(f.name for f in FIELDS)
_MAX = {f.name: f.max_length for f in FIELDS}
TEXT = r"^[^\x00-\x1f\x7f]+$"  # no control characters: these lines are printed on labels and in emails

Country = Annotated[str, Field(pattern=f"^{COUNTRY.pattern}$"), AfterValidator(str.upper)]


class PostalAddress(StrictModel):
    """The body both APIs accept; each names it for its own /openapi.json."""

    name: str = Field(min_length=1, max_length=_MAX["name"], pattern=TEXT)
    line1: str = Field(min_length=1, max_length=_MAX["line1"], pattern=TEXT)
    city: str = Field(min_length=1, max_length=_MAX["city"], pattern=TEXT)
    postal_code: str = Field(min_length=2, max_length=_MAX["postal_code"], pattern=f"^{POSTAL_CODE.pattern}$")
    country: Country
