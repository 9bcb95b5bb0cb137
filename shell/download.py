"""The shell's one answer that is a file, not a page: "Download my data" at /profile/my-data.

Every /f/ answer is composed into a page, so the file has a route of its own: it asks the profile fragment's
/my-data (with `Fragment-Download: 1`, which the /f/ proxy never forwards) as the signed-in browser, after the same
silent refresh as any page, and relays the JSON attachment as it is. It bypasses both fragment caches (the request
says no-store, and so does the answer), so one shopper's file is never kept or served to anyone."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, redirect

from common.auth.session import ACCESS_COOKIE, REFRESH_COOKIE
from common.errors import AppError
from common.platform import platform_of
from common.web.htmx import HX_BOOSTED, HX_CURRENT_URL, HX_REQUEST, HX_TARGET, HX_TRIGGER, safe_path

from .composition import forwarded_headers
from .deps import deps
from .responses import error_page

log = logging.getLogger(__name__)
bp = Blueprint("download", __name__)
UNAVAILABLE = "Your data is unavailable right now. Please try again in a moment."
SIGN_IN = "/login?next=/profile"  # signed out: sign in, then back to the profile
FILE_HEADERS = ("Content-Type", "Content-Disposition")
# Headers that would make the fragment answer as a region (HX-Redirect instead of a redirect): a file never is one.
REGION_HEADERS = (HX_REQUEST, HX_TARGET, HX_TRIGGER, HX_CURRENT_URL, HX_BOOSTED, "Content-Type")


def _is_file(resp) -> bool:
    return (
        resp.status_code == 200
        and resp.headers.get("Content-Type", "").startswith("application/json")
        and resp.headers.get("Content-Disposition", "").startswith("attachment;")
    )


@bp.get("/profile/my-data")
def my_data():
    """The signed-in shopper's data as `fragmart-my-data-YYYY-MM-DD.json`; signed out, the sign-in page (then
    /profile); a fragment outage is the shell's error page (503), never half a file."""
    headers = {k: v for k, v in forwarded_headers().items() if k not in REGION_HEADERS}
    cookie = headers.get("Cookie", "")
    if f"{ACCESS_COOKIE}=" not in cookie and f"{REFRESH_COOKIE}=" not in cookie:
        return redirect(SIGN_IN, code=303)  # nothing to ask the fragment: no session at all
    headers.update({"Cache-Control": "no-store", "Fragment-Download": "1"})
    # A few API calls, each paged: more time than one region gets, still bounded.
    settings = platform_of().settings
    timeout = max(settings.http_timeout, settings.fragment_timeout) * 2
    try:
        resp = deps().fragments["profile"].request("GET", "/my-data", headers=headers, timeout=timeout)
    except AppError as e:  # unreachable, timed out or its breaker open: an outage, as for a page
        log.warning("my data unavailable", extra={"error": e.code})
        return error_page(503, UNAVAILABLE)
    if _is_file(resp):
        kept = {h: resp.headers[h] for h in FILE_HEADERS}
        return Response(
            resp.content, headers={**kept, "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
        )
    if 300 <= resp.status_code < 400:  # signed out (or the session ended): sign in, then back to the profile
        return redirect(safe_path(resp.headers.get("Location"), SIGN_IN), code=303)
    if resp.status_code in (403, 404, 429):
        return error_page(resp.status_code, "Your data can't be downloaded right now.")
    return error_page(503, UNAVAILABLE)
