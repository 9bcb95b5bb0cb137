"""Request and answer models for the payments API."""

from __future__ import annotations

from pydantic import BaseModel, Field

from common.api.validation import QueryModel, StrictModel
from common.ids import ID_SCHEMA

# A refund's key names a field of the payment document: letters, digits, _ and - only (never a dot or a $).
REFUND_KEY = r"^[A-Za-z0-9_-]{8,100}$"


MAX_WAIT_MS = 1000


class CheckoutIn(StrictModel):
    order_id: str = Field(pattern=ID_SCHEMA)
    wait_ms: int = Field(
        default=0,
        ge=0,
        le=MAX_WAIT_MS,
        description="how long to wait for the order's stock to be reserved before answering 409 PAYMENT_NOT_READY",
    )


class RefundIn(StrictModel):
    amount: int = Field(ge=1, le=100_000_000, description="minor units (cents), at most what is left to refund")


class RefundHeaders(BaseModel):
    """The same key refunds once: a form sent twice, or a retry, gives back the money once."""

    idempotency_key: str = Field(alias="Idempotency-Key", pattern=REFUND_KEY)


class PaymentsQuery(QueryModel):
    order_id: str | None = Field(default=None, pattern=ID_SCHEMA)


# Answers (documented in /openapi.json; the views build them as dicts).
class CheckoutOut(BaseModel):
    order_id: str
    url: str = Field(description="the provider's hosted payment page: send the shopper there")


class HistoryEntry(BaseModel):
    kind: str = Field(description="authorized, captured, voided or refunded")
    amount: int | None
    at: str | None


class Payment(BaseModel):
    order_id: str
    status: str | None = Field(description="awaiting, authorized, captured, voided or cancelled")
    amount: int | None
    currency: str | None
    refunded: int | None
    charge_id: str | None
    history: list[HistoryEntry]
    created_at: str | None


class Payments(BaseModel):
    items: list[Payment]


class WebhookAnswer(BaseModel):
    received: bool
    outcome: str


class LinkHeaders(BaseModel):
    """A guest, without an account, names their order by its signed link (from placing it, or its emails)."""

    x_order_link: str | None = Field(default=None, alias="X-Order-Link", max_length=400)
