"""Catalog HTTP routes: thin adapters from requests to service functions."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, jsonify

from common.api.openapi import operation, service_spec
from common.api.validation import parse_body, parse_query
from common.auth.identity import require_admin
from common.errors import NotFound
from common.ids import is_id
from common.mongo.audit import admin_action

from . import related, service
from .deps import deps
from .schemas import Categories, Product, ProductCreate, ProductPage, ProductQuery, ProductUpdate, RelatedProducts

bp = Blueprint("products", __name__)
spec = service_spec("products")


def _checked_id(product_id: str) -> str:
    if not is_id(product_id):
        raise NotFound("Product not found")
    return product_id


@bp.get("/api/products")
@operation(spec, out=ProductPage, query=ProductQuery)
def list_products():
    """Search, filter, sort and page the catalog."""
    return jsonify(service.list_products(deps().repo, deps().cache, parse_query(ProductQuery)))


@bp.get("/api/products/<product_id>")
@operation(spec, out=Product, errors=(404,))
def get_product(product_id):
    """One product."""
    return jsonify(service.get_product(deps().repo, deps().cache, _checked_id(product_id)))


@bp.get("/api/products/<product_id>/related")
@operation(spec, out=RelatedProducts, errors=(404,))
def related_products(product_id):
    """ "You may also like": up to 4 products bought with this one, then its category's best sellers."""
    d = deps()
    return jsonify(related.related_products(d.repo, d.copurchases, d.cache, _checked_id(product_id)))


@bp.get("/api/categories")
@operation(spec, out=Categories)
def list_categories():
    """Categories that have products."""
    return jsonify(items=service.list_categories(deps().repo, deps().cache))


@bp.post("/api/products")
@require_admin
@operation(spec, ok=201, out=Product, body=ProductCreate, auth="admin", errors=(409,))
def create_product():
    """Create a product (admin)."""
    fields = parse_body(ProductCreate).model_dump()

    def audited(product_id: str):
        return partial(admin_action, "products", "product.create", "product", product_id)

    return jsonify(service.create_product(deps().repo, deps().cache, fields, audited)), 201


@bp.patch("/api/products/<product_id>")
@require_admin
@operation(spec, out=Product, body=ProductUpdate, auth="admin", errors=(404,))
def update_product(product_id):
    """Edit a product (admin)."""
    changes, product_id = parse_body(ProductUpdate).model_dump(exclude_unset=True), _checked_id(product_id)
    audited = partial(admin_action, "products", "product.update", "product", product_id)
    return jsonify(service.update_product(deps().repo, deps().cache, product_id, changes, audited))


@bp.delete("/api/products/<product_id>")
@require_admin
@operation(spec, ok=204, auth="admin", errors=(404,))
def delete_product(product_id):
    """Delete a product (admin)."""
    product_id = _checked_id(product_id)
    audited = partial(admin_action, "products", "product.delete", "product", product_id)
    service.delete_product(deps().repo, deps().cache, product_id, audited)
    return "", 204
