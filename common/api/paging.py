"""The pagination envelope, written once: which page a query asks for, and the answer around its items."""

from __future__ import annotations

import math
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

from .validation import QueryModel

T = TypeVar("T")


class PageQuery(QueryModel):
    """`?page=2&per_page=20`; an API with another page size overrides `per_page`'s default."""

    page: int = Field(default=1, ge=1, le=10_000)
    per_page: int = Field(default=20, ge=1, le=100)

    @property
    def skip(self) -> int:
        return (self.page - 1) * self.per_page


class Page(BaseModel, Generic[T]):
    """The answer's model; each API names its own (`class OrderPage(Page[Order])`) for /openapi.json."""

    items: list[T]
    total: int
    page: int
    per_page: int
    pages: int


def page_of(items: list, total: int, query: PageQuery) -> dict:
    """One page of `total` matches; an empty result is still one (empty) page."""
    return {
        "items": items,
        "total": total,
        "page": query.page,
        "per_page": query.per_page,
        "pages": max(1, math.ceil(total / query.per_page)),
    }
