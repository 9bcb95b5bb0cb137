"""Inventory HTTP routes: thin adapters from requests to service functions."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, jsonify

from common.api.openapi import operation, service_spec
from common.api.validation import parse_body, parse_query
from common.auth.identity import require_admin
from common.mongo.audit import admin_action

from . import service
from .deps import deps
from .schemas import Stock, StockCount, StockList, StockQuery

bp = Blueprint("inventory", __name__)
spec = service_spec("inventory")


@bp.get("/api/inventory")
@operation(spec, out=StockList, query=StockQuery)
def list_stock():
    """Stock for several SKUs: ?skus=a,b (at most 100)."""
    return jsonify(items=service.list_stock(deps().stock, parse_query(StockQuery).skus))


@bp.get("/api/inventory/<sku>")
@operation(spec, out=Stock, errors=(404,))
def get_stock(sku):
    """Stock for one SKU."""
    return jsonify(service.get_stock(deps().stock, sku))


@bp.put("/api/inventory/<sku>")
@require_admin
@operation(spec, out=Stock, body=StockCount, auth="admin", errors=(404,))
def count_stock(sku):
    """Set the available count of a SKU (admin)."""
    audited = partial(admin_action, service.SOURCE, "stock.set", "stock", sku)
    return jsonify(service.count_stock(deps().stock, sku, parse_body(StockCount).quantity, audited))
