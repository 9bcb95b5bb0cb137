"""Request and answer models for the users API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from common.api.address import TEXT, PostalAddress
from common.api.paging import Page, PageQuery
from common.api.validation import NOT_SENT, StrictModel

from .phone import to_e164

# Digits with the usual separators, an optional leading +, 6 to 20 characters; "" clears the phone.
PHONE = r"^(\+?[0-9][0-9 ().-]{4,18}[0-9])?$"


class ProfileUpdate(StrictModel):
    model_config = StrictModel.model_config | ConfigDict(json_schema_extra={"minProperties": 1})
    # A name may be changed but never removed, so null is refused by the str type.
    name: str = Field(default=NOT_SENT, min_length=1, max_length=100, pattern=TEXT)
    phone: str | None = Field(
        default=None,
        max_length=20,
        pattern=PHONE,
        description='a number libphonenumber knows (422 otherwise); "" clears',
    )

    @field_validator("phone")
    @classmethod
    def _e164(cls, value: str | None) -> str | None:
        """Stored as E.164, the form SMS providers take; "" still clears it."""
        return to_e164(value) if value else value

    @model_validator(mode="after")
    def _something(self):
        if not self.model_fields_set:
            raise ValueError("nothing to update: send name and/or phone")
        return self


class AddressCreate(PostalAddress):
    pass


class UserQuery(PageQuery):
    pass


# Answers (documented in /openapi.json; the views build them as dicts).
class Profile(BaseModel):
    id: str
    email: str
    name: str
    phone: str | None
    email_verified: bool = False  # the account's owner confirmed the address (its link was opened)
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
