"""Request and answer models for the payments API."""

from __future__ import annotations

from pydantic import BaseModel, Field

from common.ids import ID_SCHEMA
from common.validation import QueryModel, StrictModel


class CardIn(StrictModel):
    """Validation messages never quote the input, so a bad number is not echoed back."""

    card_number: str = Field(min_length=12, max_length=23, pattern=r"^[0-9 -]+$")
    exp_month: int = Field(ge=1, le=12)
    exp_year: int = Field(ge=2000, le=2100)
    cvc: str = Field(pattern=r"^[0-9]{3,4}$")


class PaymentsQuery(QueryModel):
    order_id: str | None = Field(default=None, pattern=ID_SCHEMA)


# Answers (documented in /openapi.json; the views build them as dicts).
class Method(BaseModel):
    token: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int


class Charge(BaseModel):
    order_id: str
    status: str | None
    amount: int | None
    currency: str | None
    created_at: str | None


class Charges(BaseModel):
    items: list[Charge]


class WebhookAnswer(BaseModel):
    received: bool
    outcome: str
