"""The legacy catalog import: rows validated one by one, then upserted by SKU through the admin API (the same use
cases as the back office: product.changed, the audit trail and cache purges follow). Running it twice changes
nothing; a row with bad data is reported and skipped."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from common.ids import SKU_SCHEMA

from .schemas import CATEGORY

BATCH = 100  # SKUs looked up per catalog call
MAX_ERRORS = 200  # refused rows kept in the report (all are counted)
PRODUCT_FIELDS = ("name", "description", "price", "category")
COUNTS = ("read", "created", "updated", "unchanged", "stock_set", "refused")


class LegacyRow(BaseModel):
    """One legacy row as the catalog takes it; anything else is a refused row with the reason."""

    model_config = ConfigDict(str_strip_whitespace=True)
    sku: str = Field(min_length=1, max_length=40, pattern=SKU_SCHEMA)
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    price: int = Field(gt=0, le=100_000_000, strict=True)
    category: str = Field(min_length=1, max_length=40, pattern=CATEGORY)
    stock: int = Field(ge=0, le=1_000_000, strict=True)
    updated_at: datetime

    @field_validator("description", mode="before")
    @classmethod
    def _blank(cls, value):
        return "" if value is None else value

    @field_validator("category", mode="before")
    @classmethod
    def _slug(cls, value):
        """Legacy categories are names ("Home & Kitchen"); the catalog keys them as slugs (home-kitchen)."""
        return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") if isinstance(value, str) else value

    @field_validator("price", "stock", mode="before")
    @classmethod
    def _whole(cls, value):
        """Oracle NUMBER columns arrive as Decimal or float: a whole value is taken, a fraction is refused."""
        if isinstance(value, bool) or not hasattr(value, "is_integer") or not value.is_integer():
            return value
        return int(value)

    @field_validator("updated_at", mode="after")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value if value.tzinfo else value.replace(tzinfo=UTC)


class CatalogApi(Protocol):
    """The admin API as the importer uses it (services/products/catalog_client.py over HTTP, or a test's)."""

    def products_by_sku(self, skus: list[str]) -> dict[str, dict]: ...
    def create(self, fields: dict) -> tuple[dict | None, str | None]: ...
    def update(self, product: dict, changes: dict) -> tuple[dict | None, str | None]: ...
    def stock(self, sku: str) -> int | None: ...
    def set_stock(self, sku: str, before: int, quantity: int) -> str | None: ...


@dataclass
class Report:
    started_at: datetime
    high_water: datetime | None
    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    errors: list[dict] = field(default_factory=list)

    def refuse(self, row: int, sku, error: str) -> None:
        self.counts["refused"] += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"row": row, "sku": str(sku)[:100] if sku is not None else None, "error": error[:500]})

    def as_json(self) -> dict:
        return {
            "started_at": self.started_at.isoformat(),
            "high_water": self.high_water.isoformat() if self.high_water else None,
            "counts": self.counts,
            "errors": self.errors,
        }


STAMP = TypeAdapter(datetime)


def _stamp(value) -> datetime | None:
    try:
        found = STAMP.validate_python(value)
    except ValidationError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _reason(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'row'}: {e['msg']}" for e in error.errors())


def _batches(rows: Iterable[dict]) -> Iterator[list[tuple[int, dict]]]:
    numbered = enumerate(rows, start=1)
    while batch := list(islice(numbered, BATCH)):
        yield batch


def run_import(rows: Iterable[dict], api: CatalogApi, high_water: datetime | None, started_at: datetime) -> Report:
    """Upsert every row; the report counts what happened and names each refused row (its number in this run)."""
    report = Report(started_at=started_at, high_water=high_water)
    for batch in _batches(rows):
        valid: list[tuple[int, LegacyRow]] = []
        for number, raw in batch:
            report.counts["read"] += 1
            stamp = _stamp(raw.get("updated_at"))
            if stamp:  # a refused row moves the mark too: it is read again once it is changed (and fixed)
                report.high_water = max(report.high_water or stamp, stamp)
            try:
                valid.append((number, LegacyRow.model_validate(raw)))
            except ValidationError as e:
                report.refuse(number, raw.get("sku"), _reason(e))
        found = api.products_by_sku([r.sku for _, r in valid]) if valid else {}
        for number, row in valid:
            _upsert(api, report, number, row, found.get(row.sku))
    return report


def _upsert(api: CatalogApi, report: Report, number: int, row: LegacyRow, product: dict | None) -> None:
    fields = row.model_dump(include=set(PRODUCT_FIELDS))
    if product is None:
        created, error = api.create({**fields, "sku": row.sku, "initial_stock": row.stock})
        if error:
            report.refuse(number, row.sku, error)
        else:
            report.counts["created"] += 1
        return
    changes = {k: v for k, v in fields.items() if product.get(k) != v}
    if changes:
        _, error = api.update(product, changes)
        if error:
            report.refuse(number, row.sku, error)
            return
        report.counts["updated"] += 1
    before = api.stock(row.sku)
    if before is not None and before != row.stock:
        error = api.set_stock(row.sku, before, row.stock)
        if error:
            report.refuse(number, row.sku, error)
            return
        report.counts["stock_set"] += 1
    elif not changes:
        report.counts["unchanged"] += 1
