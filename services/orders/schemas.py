"""Request and answer models for the orders API."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from common.api.address import PostalAddress
from common.api.paging import Page, PageQuery
from common.api.validation import Email, StrictModel
from common.carriers import CARRIERS, TRACKING_NUMBER
from common.ids import ID_SCHEMA, MINTED_ID_SCHEMA, SKU_SCHEMA

IDEMPOTENCY_KEY = r"^[A-Za-z0-9_.:-]{8,100}$"
CART_HEADER = "X-Cart-Id"
CartId = Annotated[str, Field(pattern=MINTED_ID_SCHEMA)]  # a guest cart's; absent (or empty) names none
OPTION_ID = r"^[a-z0-9][a-z0-9-]{0,39}$"
PROMO_CODE = r"^\s*[A-Za-z0-9_-]{1,32}\s*$"


class ShippingAddress(PostalAddress):
    pass


class LineRequest(StrictModel):
    """A product, and which of its variants by SKU when it has options."""

    product_id: str = Field(pattern=ID_SCHEMA)
    sku: str | None = Field(default=None, pattern=SKU_SCHEMA)
    quantity: int = Field(ge=1, le=99)


class PlaceOrder(StrictModel):
    """Lines come from the body, or from the caller's cart when the body has none."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "address": {
                        "name": "Ada",
                        "line1": "1 Main St",
                        "city": "Springfield",
                        "postal_code": "12345",
                        "country": "US",
                    },
                    "lines": [{"product_id": "ceramic-mug-set", "quantity": 1}],
                }
            ]
        }
    )
    address: ShippingAddress
    lines: list[LineRequest] | None = Field(default=None, min_length=1, max_length=50)
    # The shop's cheapest option serving the country when none is named.
    delivery_option: str | None = Field(default=None, pattern=OPTION_ID)
    promo_code: str | None = Field(default=None, pattern=PROMO_CODE)
    # For delivery texts; the checkout sends the phone of the shopper's profile when there is one.
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9][0-9 ().-]{4,18}[0-9]$")
    # A guest's order (no token sent) is theirs by this email: its notices and its signed link go there.
    email: Email | None = None


class OrderListQuery(PageQuery):
    pass


class OrderHeaders(BaseModel):
    """The same key returns the same order, never a second one; a guest names the cart to check out."""

    idempotency_key: str = Field(alias="Idempotency-Key", pattern=IDEMPOTENCY_KEY, examples=["order-7f3c2a1e"])
    x_cart_id: CartId | SkipJsonSchema[None] = Field(default=None, alias="X-Cart-Id")


# Answers (documented in /openapi.json; the views build them as dicts).
class OrderLine(BaseModel):
    product_id: str
    sku: str  # the variant's
    name: str  # with the variant: "Linen Shirt — M / Sand"
    variant: str | None = None  # "M / Sand"; absent for a product without options
    quantity: int
    unit_price: int
    line_total: int


class ShipBody(StrictModel):
    carrier: str = Field(description="a key of common/carriers.py", json_schema_extra={"enum": list(CARRIERS)})
    tracking_number: str = Field(pattern=TRACKING_NUMBER)

    @field_validator("carrier")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in CARRIERS:
            raise ValueError(f"choose one of {', '.join(CARRIERS)}")
        return value


class Order(BaseModel):
    id: str
    status: str
    user_id: str | None  # None for a guest's order
    email: str | None = None
    lines: list[OrderLine]
    total: int
    currency: str
    address: dict
    reason: str | None
    reason_text: str | None
    settled: bool
    cancellable: bool
    shipment: dict | None = None
    # Its account was deleted: the personal fields (email, name, phone, address lines) are blank; the rest stays.
    customer_deleted: bool = False
    # A guest's order, as just placed: the signed link that opens it (and pays, cancels it) without an account.
    link: str | None = None


class OrderPage(Page[Order]):
    pass


class CartHeaders(BaseModel):
    """A guest names its cart; a signed-in shopper's token names theirs."""

    x_cart_id: CartId | SkipJsonSchema[None] = Field(default=None, validation_alias=CART_HEADER)


class CartItem(BaseModel):
    product_id: str
    sku: str  # the line's variant; PATCH and DELETE /api/cart/items/{sku} name the line by it
    name: str  # with the variant: "Linen Shirt — M / Sand"
    variant: str | None  # "M / Sand"; null for a product without options
    image: str | None
    price: int
    currency: str
    quantity: int
    line_total: int
    available: int | None
    max_quantity: int
    exceeds_stock: bool


class Cart(BaseModel):
    cart_id: str | None
    items: list[CartItem]
    count: int
    subtotal: int
    currency: str
    promo_code: str | None = None


class MergedCart(Cart):
    merged: int


class CartSummary(BaseModel):
    cart_id: str | None
    count: int
    lines: int
