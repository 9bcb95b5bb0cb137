"""The one place that turns fetched fragments into a response: a fragment for htmx, else a full page."""
from __future__ import annotations

from flask import Response, redirect, render_template, request
from markupsafe import Markup

from common.htmx import wants_fragment

from .composition import Fetched, Slot, fetch, fetch_all, forwarded_headers

HEADER_SLOTS = (Slot("account", "auth", "/badge"), Slot("minicart", "cart", "/mini"))


def _finish(resp: Response, fetched: list[Fetched]) -> Response:
    for f in fetched:
        for cookie in f.cookies:
            resp.headers.add("Set-Cookie", cookie)
    return resp


def fragment_response(f: Fetched) -> Response:
    resp = Response(f.html, status=f.status, mimetype="text/html")
    resp.headers.update(f.headers)
    return _finish(resp, [f])


def _redirect(main: Fetched) -> Response | None:
    """A fragment that answered with a redirect sends the browser on (303, so a form post becomes a GET)."""
    if 300 <= main.status < 400 and "Location" in main.headers:
        return _finish(redirect(main.headers["Location"], code=303), [main])
    return None


def _layout(title: str, main: Fetched, header: dict[str, Fetched], active: str | None) -> Response:
    html = render_template("layouts/base.html", title=title, main=main.html, active=active,
                           regions={name: f.html for name, f in header.items()})
    return _finish(Response(html, status=main.status, mimetype="text/html"), [main, *header.values()])


def page_response(title: str, main: Fetched, active: str | None = None, page_url: str = "/") -> Response:
    """Wrap an already fetched main region in the layout, fetching the header slots alongside."""
    redirected = _redirect(main)
    return redirected if redirected is not None else _layout(title, main, fetch_all(list(HEADER_SLOTS), page_url),
                                                             active)


def render_page(title: str, main: Slot, active: str | None = None) -> Response:
    """A shell page: only its main fragment for an htmx swap, or the whole composed page."""
    page_url = request.full_path.rstrip("?")
    if wants_fragment():
        return fragment_response(fetch(main, forwarded_headers(), query=request.query_string, page_url=page_url))
    fetched = fetch_all([main, *HEADER_SLOTS], page_url, query=request.query_string)  # all at once
    main_f = fetched.pop("main")
    redirected = _redirect(main_f)
    return redirected if redirected is not None else _layout(title, main_f, fetched, active)


def error_page(status: int, message: str) -> Response:
    html = Markup(render_template("errors/_error.html", status=status, message=message))
    main = Fetched(Slot("main", "shell", "/"), html, status)
    if wants_fragment():
        return fragment_response(main)
    return page_response("Error", main)
