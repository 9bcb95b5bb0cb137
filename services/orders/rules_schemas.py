"""Request and answer models for the checkout rules: delivery options, tax rates, promo codes and quotes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from common.api.address import Country
from common.api.validation import DateTime, StrictModel

from .schemas import OPTION_ID, PROMO_CODE

MAX_MONEY = 100_000_000  # a million in major units: far above any price the shop sets


class OptionBody(StrictModel):
    name: str = Field(min_length=1, max_length=60)
    countries: list[Country] = Field(min_length=1, max_length=250)
    price: int = Field(ge=0, le=MAX_MONEY)
    free_over: int | None = Field(default=None, ge=0, le=MAX_MONEY)
    estimate: str = Field(default="", max_length=60)


class OptionOut(BaseModel):
    id: str
    name: str
    countries: list[str]
    price: int
    free_over: int | None = None
    estimate: str = ""


class OptionList(BaseModel):
    items: list[OptionOut]


class CountryQuery(StrictModel):
    country: Country | None = None


class TaxBody(StrictModel):
    rate: int = Field(ge=0, le=10_000, description="basis points: 700 is 7 %")
    inclusive: bool


class TaxOut(BaseModel):
    id: str
    rate: int
    inclusive: bool


class TaxList(BaseModel):
    items: list[TaxOut]


class PromoFields(StrictModel):
    # The document says what _sane checks where JSON Schema can: a percentage is at most 100.
    model_config = StrictModel.model_config | ConfigDict(
        json_schema_extra={
            "if": {"properties": {"kind": {"const": "percent"}}, "required": ["kind"]},
            "then": {"properties": {"value": {"maximum": 100}}},
        }
    )

    kind: Literal["percent", "fixed"]
    value: int = Field(ge=1, le=MAX_MONEY)
    min_spend: int = Field(default=0, ge=0, le=MAX_MONEY)
    starts_at: DateTime | None = None
    ends_at: DateTime | None = Field(default=None, description="after starts_at (422 otherwise)")
    usage_limit: int | None = Field(default=None, ge=0, le=10_000_000)
    per_customer: bool = False

    @model_validator(mode="after")
    def _sane(self):
        if self.kind == "percent" and self.value > 100:
            raise ValueError("a percentage is at most 100")
        return self

    @field_validator("ends_at")
    @classmethod
    def _after_start(cls, value, info: ValidationInfo):
        """Refused at ends_at; JSON Schema cannot compare two fields."""
        starts = info.data.get("starts_at")
        if value and starts and value <= starts:
            raise ValueError("the end must come after the start")
        return value


class PromoBody(PromoFields):
    code: str = Field(pattern=PROMO_CODE)


class PromoOut(BaseModel):
    id: str
    kind: str
    value: int
    min_spend: int = 0
    starts_at: str | None = None
    ends_at: str | None = None
    usage_limit: int | None = None
    per_customer: bool = False
    used: int = 0


class PromoList(BaseModel):
    items: list[PromoOut]


class QuoteBody(StrictModel):
    country: Country
    delivery_option: str | None = Field(default=None, pattern=OPTION_ID)
    promo_code: str | None = Field(default=None, pattern=PROMO_CODE)


class PromoApply(StrictModel):
    promo_code: str = Field(pattern=PROMO_CODE)
    country: Country = Field(description="the country the cart is priced for (delivery and tax)")


class Quote(BaseModel):
    subtotal: int
    discount: int
    delivery: int
    tax: int
    total: int
    currency: str
    tax_inclusive: bool
    promo_code: str | None = None
    delivery_option: dict | None = None
    options: list[OptionOut] = []
