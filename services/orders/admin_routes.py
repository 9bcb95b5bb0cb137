"""The back office's order routes (admin): today's figures and the search over every order."""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, jsonify
from pydantic import BaseModel, Field

from common.api.openapi import operation
from common.api.paging import PageQuery
from common.api.validation import Day, parse_query
from common.auth.identity import require_admin
from common.ids import ID_SCHEMA

from . import admin, states
from .deps import deps
from .routes import spec
from .schemas import OrderPage

bp = Blueprint("orders_admin", __name__)


class OrderSearch(PageQuery):
    status: Literal["", states.Status] = ""
    date: Day | None = None
    email: str = Field(default="", max_length=254)
    user_id: str = Field(default="", pattern=rf"^$|{ID_SCHEMA}")


class OrderSummary(BaseModel):
    date: str
    orders: int
    by_status: dict[str, int]
    revenue: int
    currency: str


def _orders():
    return deps().repo.orders


@bp.get("/api/orders/summary")
@require_admin
@operation(spec, out=OrderSummary, auth="admin")
def order_summary():
    """Orders placed today (UTC) by status, and today's revenue (admin)."""
    return jsonify(admin.summary(_orders()))


@bp.get("/api/orders/all")
@require_admin
@operation(spec, out=OrderPage, query=OrderSearch, auth="admin")
def search_orders():
    """Every customer's orders, newest first; filter by status, date (YYYY-MM-DD, UTC) and email (admin)."""
    return jsonify(admin.search(_orders(), parse_query(OrderSearch)))
