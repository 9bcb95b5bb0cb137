"""A product's gallery: the upload form posts a file and its alt text here (the products API checks the file by
content and keeps it); each image's own form edits its alt text, moves it up or down, or removes it."""

from __future__ import annotations

from flask import Blueprint, Flask, request
from werkzeug.exceptions import RequestEntityTooLarge

from common.ids import IMAGE_UPLOAD_FORM
from common.web.htmx import redirect_after_post
from fragments.result import message_of

from . import access, client, forms
from .products import _form_page, _product

MAX_IMAGES = 8
ALT_MAX = 200
ACTIONS = ("save", "up", "down", "remove")  # the buttons of one image's form

bp = Blueprint("admin_images", __name__)
MAX_BYTES = 2 * 1024 * 1024
# Up to this the page says "too large" beside the field; the shell refuses bigger bodies with its 413 page.
BODY_MAX = 8 * 1024 * 1024
MESSAGES = {
    "missing": "Choose an image file to upload.",
    "large": "The image is larger than 2 MB.",
    "type": "Choose a PNG, JPEG or WebP image (this file is not one, whatever its name says).",
    "full": f"A product has at most {MAX_IMAGES} images: remove one to add another.",
    "alt": f"Describe the image for people who cannot see it (1 to {ALT_MAX} characters).",
    "changed": "The images changed while you were editing them. Here they are now: please try again.",
}


def init_app(app: Flask) -> None:
    # First of all hooks: the CSRF check reads the form, and must read it with the upload's limit.
    app.before_request_funcs.setdefault(None, []).insert(0, _allow_upload)
    app.register_error_handler(RequestEntityTooLarge, _too_large)


def _allow_upload():
    if request.method == "POST" and IMAGE_UPLOAD_FORM.fullmatch(request.path.removeprefix("/")):
        request.max_content_length = BODY_MAX


def _too_large(e):
    """A body over BODY_MAX, refused while the CSRF check read the form: beside the field, for an admin."""
    if not IMAGE_UPLOAD_FORM.fullmatch(request.path.removeprefix("/")):
        return e
    return access.require_admin() or _refused(_product(request.path.split("/")[2]), {"image": "large"}, 413)


def _refused(product: dict, errors: dict, status: int = 422, typed: dict | None = None):
    """The product's page again, each message beside its field; `typed` keeps what was typed in the gallery's fields."""
    form = {**product, "price": forms.price_text(product["price"]), "gallery": typed or {}}
    return _form_page(product, form, {k: MESSAGES.get(v, v) for k, v in errors.items()}, status)


def _alt(name: str) -> str | None:
    alt = request.form.get(name, "").strip()
    return alt if 0 < len(alt) <= ALT_MAX else None


@bp.post("/products/<product_id>/image")
def upload_image(product_id):
    """Add an image at the end of the gallery, with its alt text."""
    product = _product(product_id)
    typed = {"new_alt": request.form.get("alt", "").strip()[: ALT_MAX + 1]}
    position = len(product.get("images") or []) + 1
    if position > MAX_IMAGES:
        return _refused(product, {"image": "full"}, 409, typed)
    alt, upload = _alt("alt"), request.files.get("image")
    errors = {} if alt else {"image_alt": "alt"}
    if upload is None or not upload.filename:
        errors["image"] = "missing"
    if errors:
        return _refused(product, errors, 422, typed)
    assert upload is not None and alt is not None
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return _refused(product, {"image": "large"}, 413, typed)
    resp = client.call(
        "PUT",
        f"/api/products/{product['id']}/images/{position}",
        params={"alt": alt},
        data=data,
        headers={"Content-Type": "application/octet-stream"},
    )
    if resp.status_code == 200:  # the products service audits the new image, with it
        return redirect_after_post(f"/admin/products/{product['id']}?saved=1")
    if resp.status_code == 409:  # another admin added one meanwhile: the page shows the gallery as it is now
        return _refused(_product(product_id), {"image": "changed"}, 409, typed)
    return _refused(product, {"image": "large" if resp.status_code == 413 else "type"}, resp.status_code, typed)


def _edited(images: list[dict], index: int, action: str, alt: str) -> list[dict]:
    """The gallery after one image's action: its alt text saved, moved up or down, or removed."""
    images = [dict(i) for i in images]
    if action == "remove":
        return images[:index] + images[index + 1 :]
    if action in ("up", "down"):
        other = index - 1 if action == "up" else index + 1
        if 0 <= other < len(images):
            images[index], images[other] = images[other], images[index]
        return images
    images[index]["alt"] = alt
    return images


@bp.post("/products/<product_id>/images/<int:number>")
def edit_image(product_id, number):
    """One image's form: "Save alt text", "Move up", "Move down" or "Remove". Its URL comes with it, so an image
    that moved since the page was shown is never the one changed."""
    product = _product(product_id)
    images, action = product.get("images") or [], request.form.get("action", "save")
    index = number - 1
    typed = {f"alt_{number}": request.form.get("alt", "").strip()[: ALT_MAX + 1]}
    if not 0 <= index < len(images) or images[index]["url"] != request.form.get("url") or action not in ACTIONS:
        return _refused(product, {"gallery": "changed"}, 409)
    alt = _alt("alt") or ""
    if action == "save" and not alt:
        return _refused(product, {f"alt_{number}": "alt"}, 422, typed)
    resp = client.call("PATCH", f"/api/products/{product['id']}", json={"images": _edited(images, index, action, alt)})
    if resp.status_code == 200:  # audited by the products service, with the change
        return redirect_after_post(f"/admin/products/{product['id']}?saved=1")
    return _refused(product, {"gallery": message_of(resp)}, resp.status_code, typed)
