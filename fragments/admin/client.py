"""The back office's calls through the gateway, as the signed-in admin."""

from __future__ import annotations

import logging

from common.errors import AppError, Forbidden
from common.platform import WebPlatform, platform_of
from fragments.gateway_api import api_or_raise

log = logging.getLogger(__name__)
UNAVAILABLE = "The back office cannot reach the shop right now. Please try again in a moment."


def call(method: str, path: str, **kwargs):
    """An API answer; a 403 (the role was taken away since the token was issued) is this page's 403."""
    resp = api_or_raise(method, path, UNAVAILABLE, "ADMIN_UPSTREAM_UNAVAILABLE", **kwargs)
    if resp.status_code == 403:
        raise Forbidden(resp.json().get("message", "Admin role required"))
    return resp


def health() -> dict:
    """The gateway's /health: every upstream's readiness (a 503 there is a report, not a failure here)."""
    try:
        resp = platform_of(kind=WebPlatform).gateway.request("GET", "/health")
        return resp.json()
    except (AppError, ValueError) as e:
        log.warning("gateway health unreadable", extra={"error": repr(e)})
        return {"status": "unreachable", "upstreams": {}}


def optional(method: str, path: str, default, **kwargs):
    """A dashboard figure: its source failing leaves a dash on the tile, not a broken page."""
    try:
        resp = call(method, path, **kwargs)
    except Forbidden:
        raise
    except AppError as e:
        log.warning("dashboard figure unavailable", extra={"path": path, "error": e.code})
        return default
    return resp.json() if resp.status_code == 200 else default
