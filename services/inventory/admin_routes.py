"""The back office's stock routes (admin): every SKU's level, low stock first, and adjusting by a delta."""

from __future__ import annotations

from flask import Blueprint, jsonify
from pydantic import BaseModel, Field

from common.api.openapi import operation
from common.api.paging import PageQuery, page_of
from common.api.validation import StrictModel, parse_body, parse_query
from common.auth.identity import require_admin
from common.errors import NotFound
from common.ids import SKU
from common.mongo.audit import admin_action

from .deps import deps
from .routes import spec
from .schemas import MAX_STOCK, Stock

bp = Blueprint("inventory_admin", __name__)


class LevelQuery(PageQuery):
    q: str = Field(default="", max_length=40)
    low: bool = False  # only SKUs at or under the low-stock level
    per_page: int = Field(default=25, ge=1, le=100)


class StockDelta(StrictModel):
    delta: int = Field(ge=-MAX_STOCK, le=MAX_STOCK)


class Level(Stock):
    product_id: str | None = None


class StockPage(BaseModel):
    items: list[Level]
    total: int
    page: int
    per_page: int
    pages: int
    low_level: int


# Its own prefix (/api/stock), so that no SKU route (/api/inventory/<sku>) also matches its path.
@bp.get("/api/stock")
@require_admin
@operation(spec, out=StockPage, query=LevelQuery, auth="admin")
def stock_levels():
    """Every live SKU's available and reserved units, lowest available first (admin)."""
    q, repo = parse_query(LevelQuery), deps().stock
    items, total = repo.levels(q.skip, q.per_page, q.q, repo.low_level if q.low else None)
    return jsonify({**page_of(items, total, q), "low_level": repo.low_level})


@bp.post("/api/inventory/<sku>/adjust")
@require_admin
@operation(spec, out=Stock, body=StockDelta, auth="admin", errors=(404, 409))
def adjust_stock(sku):
    """Add (or, negative, remove) units of available stock atomically; never below zero (admin)."""
    if not SKU.fullmatch(sku):
        raise NotFound("No such SKU", code="SKU_NOT_FOUND")
    delta = parse_body(StockDelta).delta

    def audited(before: dict, after: dict):
        return admin_action("inventory", "stock.adjust", "stock", sku, before, {**after, "delta": delta})

    return jsonify(deps().stock.adjust_available(sku, delta, audited))
