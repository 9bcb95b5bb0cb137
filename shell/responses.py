"""The one place that turns fetched fragments into a response: a fragment for htmx, else a full page."""
from __future__ import annotations

from typing import TypeVar

from flask import Response, redirect, render_template, request
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from common.htmx import wants_fragment

from .composition import Fetched, Pending, Slot, collect, fetch, fetch_all, forwarded_headers, start_all

HEADER_SLOTS = (Slot("account", "auth", "/badge"), Slot("minicart", "cart", "/mini"))
PAGE_HEADERS = ("Retry-After",)  # what a full page keeps from its main fragment's answer


R = TypeVar("R", bound=BaseResponse)


def _finish(resp: R, fetched: list[Fetched]) -> R:
    for f in fetched:
        for cookie in f.cookies:
            resp.headers.add("Set-Cookie", cookie)
    return resp


def fragment_response(f: Fetched) -> Response:
    """htmx swaps only 2xx (and 422/429), so a fallback answers 200, marked for the client and for tests."""
    resp = Response(f.html, status=200 if f.failed else f.status, mimetype="text/html")
    resp.headers.update(f.headers)
    if f.failed:
        resp.headers["Fragment-Fallback"] = "1"
    return _finish(resp, [f])


def _redirect(main: Fetched) -> BaseResponse | None:
    """A fragment that answered with a redirect sends the browser on (303, so a form post becomes a GET)."""
    if 300 <= main.status < 400 and "Location" in main.headers:
        return _finish(redirect(main.headers["Location"], code=303), [main])
    return None


def _layout(title: str, main: Fetched, header: dict[str, Fetched], active: str | None) -> Response:
    html = render_template("layouts/base.html", title=title, main=main.html, active=active,
                           regions={name: f.html for name, f in header.items()})
    resp = Response(html, status=main.status, mimetype="text/html")
    resp.headers.update({h: main.headers[h] for h in PAGE_HEADERS if h in main.headers})
    return _finish(resp, [main, *header.values()])


def start_header(page_url: str) -> Pending:
    """Start the header slots now, so they load while the main fragment is still answering (a form post)."""
    return start_all(list(HEADER_SLOTS), page_url)


def page_response(title: str, main: Fetched, active: str | None = None, page_url: str = "/",
                  header: Pending | None = None) -> BaseResponse:
    """Wrap an already fetched main region in the layout, with the header slots started alongside it."""
    redirected = _redirect(main)
    if redirected is not None:
        return redirected
    return _layout(title, main, collect(header or start_header(page_url)), active)


def render_page(title: str, main: Slot, active: str | None = None) -> BaseResponse:
    """A shell page: only its main fragment for an htmx swap, or the whole composed page."""
    page_url = request.full_path.rstrip("?")
    if wants_fragment():
        return fragment_response(fetch(main, forwarded_headers(), query=request.query_string, page_url=page_url))
    fetched = fetch_all([main, *HEADER_SLOTS], page_url, query=request.query_string)  # all at once
    main_f = fetched.pop("main")
    redirected = _redirect(main_f)
    return redirected if redirected is not None else _layout(title, main_f, fetched, active)


def error_page(status: int, message: str) -> BaseResponse:
    html = Markup(render_template("errors/_error.html", status=status, message=message))
    main = Fetched(Slot("main", "shell", "/"), html, status)
    if wants_fragment():
        return fragment_response(main)
    return page_response("Error", main)
