"""Catalog HTTP routes: thin adapters from requests to service functions."""
from __future__ import annotations

import re

from flask import Blueprint, current_app, jsonify

from common.auth import require_admin
from common.errors import NotFound
from common.openapi import body_model
from common.validation import parse_body, parse_query

from . import service
from .schemas import ID_PATTERN, ProductCreate, ProductQuery, ProductUpdate

bp = Blueprint("products", __name__)


def _deps():
    ext = current_app.extensions
    return ext["products.repo"], ext["products.cache"]


def _checked_id(product_id: str) -> str:
    if not re.fullmatch(ID_PATTERN, product_id, flags=re.ASCII):
        raise NotFound("Product not found")
    return product_id


@bp.get("/api/products")
def list_products():
    """Search, filter, sort and page the catalog."""
    return jsonify(service.list_products(*_deps(), parse_query(ProductQuery)))


@bp.get("/api/products/<product_id>")
def get_product(product_id):
    """One product."""
    return jsonify(service.get_product(*_deps(), _checked_id(product_id)))


@bp.get("/api/categories")
def list_categories():
    """Categories that have products."""
    return jsonify(items=service.list_categories(*_deps()))


@bp.post("/api/products")
@require_admin
@body_model(ProductCreate)
def create_product():
    """Create a product (admin)."""
    fields = parse_body(ProductCreate).model_dump()
    return jsonify(service.create_product(*_deps(), fields)), 201


@bp.patch("/api/products/<product_id>")
@require_admin
@body_model(ProductUpdate)
def update_product(product_id):
    """Edit a product (admin)."""
    changes = parse_body(ProductUpdate).model_dump(exclude_unset=True)
    return jsonify(service.update_product(*_deps(), _checked_id(product_id), changes))


@bp.delete("/api/products/<product_id>")
@require_admin
def delete_product(product_id):
    """Delete a product (admin)."""
    service.delete_product(*_deps(), _checked_id(product_id))
    return "", 204
