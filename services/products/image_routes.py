"""Image routes: an admin uploads a product's image or one of its gallery (raw bytes); anyone reads it by its
content-hash name."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, jsonify, request

from common.api.openapi import operation
from common.api.validation import parse_query
from common.auth.identity import require_admin
from common.errors import NotFound
from common.ids import IMAGE_NAME
from common.mongo.audit import admin_action

from . import images, service
from .deps import deps
from .routes import _checked_id, spec
from .schemas import GalleryImageQuery, Product

bp = Blueprint("product_images", __name__)
YEAR = 365 * 24 * 3600


@bp.put("/api/products/<product_id>/image")
@require_admin
@operation(spec, out=Product, auth="admin", errors=(404, 413, 422))
def upload_image(product_id):
    """Set a product's image, its gallery's first (keeping that one's alt text): the body is the file (PNG, JPEG or
    WebP by content, at most 2 MB and 40 megapixels); 200, 400 and 800 px WebP copies are made beside it (admin)."""
    product_id = _checked_id(product_id)
    request.max_content_length = images.MAX_BYTES  # larger than any JSON body: only this view reads this much
    url, widths = images.save(deps().images, request.get_data())
    audited = partial(admin_action, "products", "product.image", "product", product_id)
    changes = {"image": url, "image_widths": widths}
    return jsonify(service.update_product(deps().repo, deps().cache, product_id, changes, audited))


@bp.put("/api/products/<product_id>/images/<int(min=1, max=8):position>")
@require_admin
@operation(spec, out=Product, query=GalleryImageQuery, auth="admin", errors=(404, 409, 413, 422))
def place_image(product_id, position):
    """Set the gallery's image at a position (1 to 8; one past the last adds it) with its alt text: the body is the
    file, checked and copied as for the product's image (admin). 409 when the position would leave a gap."""
    product_id = _checked_id(product_id)
    alt = parse_query(GalleryImageQuery).alt
    service.check_place(deps().repo, product_id, position)  # a refusal stores nothing
    request.max_content_length = images.MAX_BYTES
    url, widths = images.save(deps().images, request.get_data())
    audited = partial(admin_action, "products", "product.image", "product", product_id)
    image = {"url": url, "widths": widths, "alt": alt}
    return jsonify(service.place_image(deps().repo, deps().cache, product_id, position, image, audited))


@bp.get("/api/products/images/<name>")
def get_image(name):
    """An image by its content-hash name; it never changes, so it may be cached for a year."""
    if not IMAGE_NAME.fullmatch(name):
        raise NotFound("No such image", code="IMAGE_NOT_FOUND")
    stem = name.rsplit(".", 1)[0]
    etag = f'"{stem[:32]}{stem[64:]}"'  # a copy's width stays in its tag: never the original's 304
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={YEAR}, immutable"}
    if etag in request.headers.get("If-None-Match", ""):
        return Response(status=304, headers=headers)
    data, content_type = images.load(deps().images, name)
    return Response(data, mimetype=content_type, headers=headers)
