"""The one place that decides between a fragment and a full page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Request, Response, redirect, request

# The headers htmx sends with a request (htmx.org/reference/#request_headers); HX-Trigger names the element.
HX_REQUEST = "HX-Request"
HX_BOOSTED = "HX-Boosted"
HX_HISTORY_RESTORE_REQUEST = "HX-History-Restore-Request"
HX_TARGET = "HX-Target"
HX_TRIGGER = "HX-Trigger"
HX_CURRENT_URL = "HX-Current-URL"
# The headers htmx acts on in an answer (htmx.org/reference/#response_headers); HX-Trigger fires an event.
HX_REDIRECT = "HX-Redirect"
HX_PUSH_URL = "HX-Push-Url"
HX_REPLACE_URL = "HX-Replace-Url"
HX_RETARGET = "HX-Retarget"
HX_RESWAP = "HX-Reswap"
HX_REFRESH = "HX-Refresh"


def wants_fragment(req: Request | None = None) -> bool:
    """True for an htmx swap; false for boosted navigation, history restores and plain browsers."""
    req = req or request
    return (
        req.headers.get(HX_REQUEST) == "true"
        and req.headers.get(HX_BOOSTED) != "true"
        and req.headers.get(HX_HISTORY_RESTORE_REQUEST) != "true"
    )


# The headers wants_fragment() reads: every HTML answer varies on them.
HTMX_HEADERS = (HX_REQUEST, HX_BOOSTED, HX_HISTORY_RESTORE_REQUEST)


VARY_HTMX = ", ".join(HTMX_HEADERS)


def vary_on_htmx(response):
    """Responses whose shape depends on htmx headers must say so to caches."""
    if "Vary" not in response.headers:  # most answers: one header written, not three parsed and rewritten
        response.headers["Vary"] = VARY_HTMX
        return response
    for header in HTMX_HEADERS:
        response.vary.add(header)
    return response


def redirect_after_post(url: str):
    """Where a successful form post goes: a 303 for a plain browser, HX-Redirect (a full navigation, so every
    region re-renders, the header included) for htmx."""
    if wants_fragment(request):
        return Response("", status=200, headers={HX_REDIRECT: url})
    return redirect(url, code=303)


def safe_path(value: str | None, default: str = "/") -> str:
    """A `next` target that stays on this site: a path only, never another host (`//evil`, `https://…`,
    `/\\evil`), no control characters (no header injection), and of a sane length; else `default`."""
    value = (value or "").strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value or len(value) > 512:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or any(ord(c) < 0x20 or c == "\x7f" for c in value):
        return default
    return value
