"""Product images for the storefront: relayed from the catalog API by their content-hash name, with its caching
headers (a year, immutable: the name changes whenever the bytes do)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from common.errors import NotFound
from common.ids import IMAGE_NAME
from fragments.gateway_api import api_or_outage

bp = Blueprint("product_images", __name__)
KEPT = ("Content-Type", "Cache-Control", "ETag")


@bp.get("/images/<name>")
def image(name):
    if not IMAGE_NAME.fullmatch(name):
        raise NotFound("No such image")
    headers = {"If-None-Match": request.headers["If-None-Match"]} if "If-None-Match" in request.headers else {}
    resp = api_or_outage(
        "GET",
        f"/api/products/images/{name}",
        "Images are unavailable right now.",
        "IMAGES_UNAVAILABLE",
        headers=headers,
    )
    if resp.status_code == 404:
        raise NotFound("No such image")
    return Response(
        resp.content if resp.status_code == 200 else b"",
        status=resp.status_code,
        headers={h: resp.headers[h] for h in KEPT if h in resp.headers},
    )
