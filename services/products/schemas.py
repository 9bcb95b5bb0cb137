"""Request models for the catalog API."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from common.validation import QueryModel, StrictModel



class ProductQuery(QueryModel):
    q: str = Field(default="", max_length=100)
    category: str = Field(default="", max_length=40)
    min_price: int | None = Field(default=None, ge=0)
    max_price: int | None = Field(default=None, ge=0)
    sort: Literal["price", "-price", "name", "-created"] = "name"
    page: int = Field(default=1, ge=1, le=10_000)
    per_page: int = Field(default=12, ge=1, le=100)
    featured: bool = False

    @model_validator(mode="after")
    def _range(self):
        if self.min_price is not None and self.max_price is not None and self.min_price > self.max_price:
            raise ValueError("min_price must not exceed max_price")
        return self


class ProductCreate(StrictModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    price: int = Field(ge=0, le=100_000_000)
    currency: Literal["USD"] = "USD"
    category: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9-]+$")
    sku: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")
    image: str | None = Field(default=None, max_length=300, pattern=r"^/static/[A-Za-z0-9/_.-]+$")
    featured: bool = False
    initial_stock: int = Field(default=0, ge=0, le=1_000_000)


class ProductUpdate(StrictModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    price: int | None = Field(default=None, ge=0, le=100_000_000)
    category: str | None = Field(default=None, min_length=1, max_length=40, pattern=r"^[a-z0-9-]+$")
    sku: str | None = Field(default=None, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")
    image: str | None = Field(default=None, max_length=300, pattern=r"^/static/[A-Za-z0-9/_.-]+$")
    featured: bool | None = None
