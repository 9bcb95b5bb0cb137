"""A product's image: the upload form posts the file here; the products API checks it by content and keeps it."""

from __future__ import annotations

import re

from flask import Blueprint, Flask, request
from werkzeug.exceptions import RequestEntityTooLarge

from common.htmx import redirect_after_post
from common.ids import ID

from . import access, client, forms
from .products import _form_page, _product

bp = Blueprint("admin_images", __name__)
MAX_BYTES = 2 * 1024 * 1024
# Up to this the page says "too large" beside the field; the shell refuses bigger bodies with its 413 page.
BODY_MAX = 8 * 1024 * 1024
UPLOAD = re.compile(rf"/products/{ID.pattern}/image")
MESSAGES = {
    "missing": "Choose an image file to upload.",
    "large": "The image is larger than 2 MB.",
    "type": "Choose a PNG, JPEG or WebP image (this file is not one, whatever its name says).",
}


def init_app(app: Flask) -> None:
    # First of all hooks: the CSRF check reads the form, and must read it with the upload's limit.
    app.before_request_funcs.setdefault(None, []).insert(0, _allow_upload)
    app.register_error_handler(RequestEntityTooLarge, _too_large)


def _allow_upload():
    if request.method == "POST" and UPLOAD.fullmatch(request.path):
        request.max_content_length = BODY_MAX


def _too_large(e):
    """A body over BODY_MAX, refused while the CSRF check read the form: beside the field, for an admin."""
    if not UPLOAD.fullmatch(request.path):
        return e
    return access.require_admin() or _refused(_product(request.path.split("/")[2]), "large", 413)


def _refused(product: dict, key: str, status: int = 422):
    return _form_page(
        product, {**product, "price": forms.price_text(product["price"])}, {"image": MESSAGES[key]}, status
    )


@bp.post("/products/<product_id>/image")
def upload_image(product_id):
    product = _product(product_id)
    upload = request.files.get("image")
    if upload is None or not upload.filename:
        return _refused(product, "missing")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return _refused(product, "large", 413)
    resp = client.call(
        "PUT", f"/api/products/{product['id']}/image", data=data, headers={"Content-Type": "application/octet-stream"}
    )
    if resp.status_code == 200:  # the products service audits the new image, with it
        return redirect_after_post(f"/admin/products/{product['id']}?saved=1")
    return _refused(product, "large" if resp.status_code == 413 else "type", resp.status_code)
