"""Request and answer models for the users API; address field names are shared with checkout."""
from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, model_validator

from common.paging import Page, PageQuery
from common.validation import StrictModel

TEXT = r"^[^\x00-\x1f\x7f]+$"
# Digits with the usual separators, an optional leading +, 6 to 20 characters; "" clears the phone.
PHONE = r"^(\+?[0-9][0-9 ().-]{4,18}[0-9])?$"
Country = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$"), AfterValidator(str.upper)]


class ProfileUpdate(StrictModel):
    # A name may be changed but never removed, so null is refused by the str type.
    name: str = Field(default=None, min_length=1, max_length=100, pattern=TEXT)
    phone: str | None = Field(default=None, max_length=20, pattern=PHONE)

    @model_validator(mode="after")
    def _something(self):
        if not self.model_fields_set:
            raise ValueError("nothing to update: send name and/or phone")
        return self


class AddressCreate(StrictModel):
    name: str = Field(min_length=1, max_length=100, pattern=TEXT)
    line1: str = Field(min_length=1, max_length=200, pattern=TEXT)
    city: str = Field(min_length=1, max_length=100, pattern=TEXT)
    postal_code: str = Field(min_length=2, max_length=12, pattern=r"^[A-Za-z0-9][A-Za-z0-9 -]*$")
    country: Country


class UserQuery(PageQuery):
    pass


# Answers (documented in /openapi.json; the views build them as dicts).
class Profile(BaseModel):
    id: str
    email: str
    name: str
    phone: str | None
    created_at: str | None


class ProfileWithRole(Profile):
    role: str


class ProfilePage(Page[ProfileWithRole]):
    pass


class Address(BaseModel):
    id: str
    name: str
    line1: str
    city: str
    postal_code: str
    country: str


class Addresses(BaseModel):
    items: list[Address]
