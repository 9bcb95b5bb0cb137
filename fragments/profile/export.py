"""The profile's "Download my data": one JSON file of the account's profile, addresses, orders and delivery log.

Only the shell's own download route (/profile/my-data, shell/download.py) asks for it, with the header
`Fragment-Download: 1`, which the shell's /f/ proxy never forwards: through /f/profile/my-data it is a 404, so the
file is never composed into a page. Every call goes through the gateway with the shopper's own token, so the file
holds what the APIs give that shopper, no one else's."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import Blueprint, Response, request

from common.errors import NotFound, Unavailable
from fragments.gateway_api import api_or_raise
from fragments.sign_in import require_sign_in

bp = Blueprint("profile_export", __name__)
require_sign_in(bp, "/profile")

DOWNLOAD_HEADER = "Fragment-Download"
# Bump when a key is renamed or removed (adding a key keeps the version): readers of old files rely on it.
FORMAT_VERSION = 1
PER_PAGE = 100  # the APIs' largest page
MAX_PAGES = 100  # 10,000 orders or emails: past that the file says it is cut short rather than taking forever
UNAVAILABLE = "Your data is unavailable right now. Please try again in a moment."


def _get(path: str, **params) -> dict:
    resp = api_or_raise("GET", path, UNAVAILABLE, "EXPORT_UNAVAILABLE", params=params or None)
    if resp.status_code != 200:  # e.g. a 404 profile: no file rather than half of one
        raise Unavailable(UNAVAILABLE, {"path": path, "status": resp.status_code}, code="EXPORT_UNAVAILABLE")
    return resp.json()


def every_item(path: str) -> tuple[list[dict], bool]:
    """All pages of a paged list (newest first), and whether it was cut short at MAX_PAGES."""
    items: list[dict] = []
    page = 1
    while True:
        body = _get(path, page=page, per_page=PER_PAGE)
        items += body.get("items", [])
        pages = int(body.get("pages") or 1)
        if page >= pages:
            return items, False
        if page >= MAX_PAGES:
            return items, True
        page += 1


def my_data(now: datetime) -> dict:
    orders, orders_cut = every_item("/api/orders")
    deliveries, deliveries_cut = every_item("/api/notifications")
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": now.isoformat().replace("+00:00", "Z"),
        "profile": _get("/api/users/me"),
        "addresses": _get("/api/users/me/addresses").get("items", []),
        "orders": orders,
        "delivery_log": deliveries,
        "truncated": [name for name, cut in (("orders", orders_cut), ("delivery_log", deliveries_cut)) if cut],
    }


def filename(now: datetime) -> str:
    return f"fragmart-my-data-{now:%Y-%m-%d}.json"


@bp.get("/my-data")
def download():
    """The file, as an attachment that no cache keeps; only for the shell's download route."""
    if request.headers.get(DOWNLOAD_HEADER) != "1":
        raise NotFound("No such page")
    now = datetime.now(UTC).replace(microsecond=0)
    body = json.dumps(my_data(now), indent=2, ensure_ascii=False)
    # The file is only ever an attachment, but <, > and & are still never sent as they are.
    body = body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Response(
        body.encode(),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{filename(now)}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
