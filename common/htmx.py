"""The one place that decides between a fragment and a full page."""
from __future__ import annotations

from flask import Request, Response, redirect, request


def wants_fragment(req: Request | None = None) -> bool:
    """True for an htmx swap; false for boosted navigation, history restores and plain browsers."""
    req = req or request
    return (req.headers.get("HX-Request") == "true"
            and req.headers.get("HX-Boosted") != "true"
            and req.headers.get("HX-History-Restore-Request") != "true")


def vary_on_htmx(response):
    """Responses whose shape depends on htmx headers must say so to caches."""
    response.vary.add("HX-Request")
    response.vary.add("HX-Boosted")
    response.vary.add("HX-History-Restore-Request")
    return response


def redirect_after_post(url: str):
    """Where a successful form post goes: a 303 for a plain browser, HX-Redirect (a full navigation, so every
    region re-renders, the header included) for htmx."""
    if wants_fragment(request):
        return Response("", status=200, headers={"HX-Redirect": url})
    return redirect(url, code=303)
