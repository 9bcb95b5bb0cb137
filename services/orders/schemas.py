"""Request models for the orders API."""
from __future__ import annotations

from pydantic import Field

from common.validation import QueryModel, StrictModel

ID = r"^[A-Za-z0-9-]{1,64}$"
IDEMPOTENCY_KEY = r"^[A-Za-z0-9_.:-]{8,100}$"


class ShippingAddress(StrictModel):
    name: str = Field(min_length=1, max_length=100)
    line1: str = Field(min_length=1, max_length=200)
    city: str = Field(min_length=1, max_length=100)
    postal_code: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9 -]+$")
    country: str = Field(min_length=2, max_length=56)


class LineRequest(StrictModel):
    product_id: str = Field(pattern=ID)
    quantity: int = Field(ge=1, le=99)


class PlaceOrder(StrictModel):
    """Lines come from the body, or from the caller's cart when the body has none."""
    address: ShippingAddress
    payment_token: str = Field(pattern=r"^pm_[A-Za-z0-9]{16,64}$")
    lines: list[LineRequest] | None = Field(default=None, min_length=1, max_length=50)
    # For delivery texts; the checkout sends the phone of the shopper's profile when there is one.
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9][0-9 ().-]{4,18}[0-9]$")


class OrderListQuery(QueryModel):
    page: int = Field(default=1, ge=1, le=10_000)
    per_page: int = Field(default=20, ge=1, le=100)
