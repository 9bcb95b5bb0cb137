"""Inventory HTTP routes: thin adapters from requests to service functions."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from common.auth import require_admin
from common.openapi import body_model
from common.validation import parse_body, parse_query

from . import service
from .schemas import StockCount, StockQuery

bp = Blueprint("inventory", __name__)


def _repo():
    return current_app.extensions["inventory.stock"]


@bp.get("/api/inventory")
def list_stock():
    """Stock for several SKUs: ?skus=a,b (at most 100)."""
    return jsonify(items=service.list_stock(_repo(), parse_query(StockQuery).skus))


@bp.get("/api/inventory/<sku>")
def get_stock(sku):
    """Stock for one SKU."""
    return jsonify(service.get_stock(_repo(), sku))


@bp.put("/api/inventory/<sku>")
@require_admin
@body_model(StockCount)
def count_stock(sku):
    """Set the available count of a SKU (admin)."""
    return jsonify(service.count_stock(_repo(), sku, parse_body(StockCount).quantity))
