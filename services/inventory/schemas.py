"""Request and answer models for the inventory API."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from common.api.validation import QueryModel, StrictModel, csv_list
from common.ids import SKU_SCHEMA

MAX_SKUS = 100
MAX_STOCK = 1_000_000  # units of one SKU: the most a count sets or an adjustment reaches


class StockQuery(QueryModel):
    skus: Annotated[tuple[str, ...], csv_list(SKU_SCHEMA, MAX_SKUS)]


class StockCount(StrictModel):
    quantity: int = Field(ge=0, le=MAX_STOCK)


# Answers (documented in /openapi.json; the views build them as dicts).
class Stock(BaseModel):
    sku: str
    available: int
    reserved: int


class StockList(BaseModel):
    items: list[Stock]
