"""The one place that turns fetched fragments into a response: a fragment for htmx, else a full page."""

from __future__ import annotations

import logging
import secrets
from typing import TypeVar

from flask import Response, g, redirect, render_template, request, stream_with_context
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from common.web.csrf import csrf_token
from common.web.htmx import wants_fragment

from .caching import Page, Part
from .caching.pages import depersonalised, page_key, personalised
from .composition import Fetched, Pending, Slot, collect, fetch, forwarded_headers, labelled, start_all
from .deps import deps
from .signed_out import NOTHING, SIGNED_OUT
from .titles import page_title, title_element

log = logging.getLogger(__name__)
HEADER_SLOTS = (Slot("account", "auth", "/badge"), Slot("minicart", "cart", "/mini"))
PAGE_HEADERS = ("Retry-After",)  # what a full page keeps from its main fragment's answer
# Early flush: once the main slot has answered (its status is the page's), the layout up to the first header
# region goes out while the header's slots are still being asked (a signed-in page whose badge or mini-cart is
# not kept for its session). A page whose slots are all in hand is sent whole, as one write.
EARLY_FLUSH = True


R = TypeVar("R", bound=BaseResponse)


def _finish(resp: R, fetched: list[Fetched]) -> R:
    for f in fetched:
        for cookie in f.cookies:
            resp.headers.add("Set-Cookie", cookie)
    return resp


def fragment_response(f: Fetched) -> Response:
    """A fallback answers 200, marked for the client and for tests: it is a region to show, not a refusal."""
    # A region that names a page brings its <title>: htmx moves it to the document, so a swapped step or a form
    # with errors retitles the tab as a full page load would.
    titled = f.html if f.failed else Markup(title_element(f.html, f.status)) + f.html
    resp = Response(titled, status=200 if f.failed else f.status, mimetype="text/html")
    resp.headers.update(f.headers)
    if f.failed:
        resp.headers["Fragment-Fallback"] = "1"
    return _finish(resp, [f])


def _redirect(main: Fetched) -> BaseResponse | None:
    """A fragment that answered with a redirect sends the browser on (303, so a form post becomes a GET)."""
    if 300 <= main.status < 400 and "Location" in main.headers:
        return _finish(redirect(main.headers["Location"], code=303), [main])
    return None


def _has_own_search(main: Fetched, own_search: bool) -> bool:
    # Only a catalog answer (its results, or its form with errors) has the page's own search box; a fallback or an
    # error panel has none, so the header keeps its box and the page still has exactly one.
    return own_search and not main.failed and main.status in (200, 422)


def _below(main: Fetched, below: tuple[Slot, ...]) -> list[str]:
    """The optional regions shown under the main one: only under a page that is there (a missing product's 404 page
    has nothing to be related to)."""
    return [s.name for s in below] if main.status == 200 and not main.failed else []


def _shown(name: str, f: Fetched, below: tuple[Slot, ...]) -> Markup:
    """A region as the page shows it. An optional one below the main region: its answer, its fallback, or nothing
    for a 4xx (it has nothing to say that the main region does not say better)."""
    optional = any(s.name == name for s in below)
    return f.html if not optional or f.status == 200 or f.failed else Markup("")


def _layout(
    title: str,
    main: Fetched,
    header: dict[str, Fetched],
    active: str | None,
    own_search: bool = False,
    below: tuple[Slot, ...] = (),
) -> Response:
    html = render_template(
        "layouts/base.html",
        title=page_title(title, main.html, main.status),
        main=main.html,
        active=active,
        regions={name: _shown(name, f, below) for name, f in header.items()},
        below=_below(main, below),
        own_search=_has_own_search(main, own_search),
    )
    resp = Response(html, status=main.status, mimetype="text/html")
    resp.headers.update({h: main.headers[h] for h in PAGE_HEADERS if h in main.headers})
    return _finish(resp, [main, *header.values()])


def start_header(page_url: str) -> Pending:
    """Start the header slots now, so they load while the main fragment is still answering (a form post)."""
    return start_all(list(HEADER_SLOTS), page_url)


def page_response(
    title: str, main: Fetched, active: str | None = None, page_url: str = "/", header: Pending | None = None
) -> BaseResponse:
    """Wrap an already fetched main region in the layout, with the header slots started alongside it."""
    redirected = _redirect(main)
    if redirected is not None:
        return redirected
    return _layout(title, main, collect(header or start_header(page_url)), active)


def _flushed_early(
    title: str, main: Fetched, header: Pending, active: str | None, own_search: bool, below: tuple[Slot, ...] = ()
) -> Response:
    """The layout streamed: everything before the first header region now, the rest once the header's slots are
    in (by the page's deadline, so a slow one is its fallback). The status and headers are the main slot's."""
    # Placeholders no fragment can forge (a product named like one must not move the cut), filled in later.
    token = secrets.token_hex(8)
    marks = {slot.name: f"<!--slot-{token}-{slot.name}-->" for slot in header.futures}
    html = render_template(
        "layouts/base.html",
        title=page_title(title, main.html, main.status),
        main=main.html,
        active=active,
        regions={name: Markup(mark) for name, mark in marks.items()},
        below=_below(main, below),
        own_search=_has_own_search(main, own_search),
    )
    cut = min((i for i in (html.find(mark) for mark in marks.values()) if i >= 0), default=len(html))

    def body():
        yield html[:cut]
        regions = collect(header)
        if any(f.cookies for f in regions.values()):  # the headers are gone; no header fragment sets one today
            log.warning(
                "cookies of a header slot dropped after an early flush",
                extra={"slots": [n for n, f in regions.items() if f.cookies]},
            )
        rest = html[cut:]
        for name, mark in marks.items():
            rest = rest.replace(mark, str(_shown(name, regions[name], below)), 1)
        yield rest

    resp = Response(stream_with_context(body()), status=main.status, mimetype="text/html")
    resp.headers.update({h: main.headers[h] for h in PAGE_HEADERS if h in main.headers})
    return _finish(resp, [main])


def _request_page_key() -> tuple | None:
    """This request's kept-page key (shell/caching/pages.py), worked out once per request."""
    if "page_key" not in g:
        r = request
        g.page_key = page_key(r.method, r.scheme, r.path, r.query_string, r.headers, r.cookies)
    return g.page_key


def kept_page() -> Response | None:
    """before_request, after every hook that reads the browser (CSRF, session): the page kept for a browser without
    a session (shell/caching/pages.py), made its own; None to compose it."""
    key = _request_page_key()
    if key is None:
        return None
    page = deps().pages.get(key)
    if page is None:
        return None
    labelled(deps().pages_served, "kept").inc()
    for fragment, rung in page.served:  # the regions were served from the fragment cache, as composing counts them
        labelled(deps().served, fragment, rung).inc()
    return Response(personalised(page, csrf_token()), mimetype="text/html")


def _part(f: Fetched) -> Part | None:
    """What keeps a region current in a kept page; None when it came from anything but a fresh shared entry."""
    answer, client = f.answer, deps().fragments.get(f.slot.fragment)
    if answer is None or answer.rung != "fresh" or answer.key is None or client is None or f.status != 200:
        return None
    while_connected = f.slot.signed_out and any(
        r.path == f.slot.path and r.only_while_connected for r in SIGNED_OUT.values()
    )
    return Part(client, answer.key, answer.response, while_connected)


def _keep(resp: Response, fetched: list[Fetched]) -> None:
    """Keep a composed page for the next browser without a session when every region in it is a fresh shared
    entry (or a region such browsers never ask for), and nothing in it set a cookie."""
    key = _request_page_key()
    if key is None or resp.status_code != 200 or any(f.cookies or f.failed for f in fetched):
        return
    parts = [_part(f) for f in fetched if not (f.slot.signed_out and f.slot.path == NOTHING)]  # those asked
    body = depersonalised(resp.get_data(as_text=True), csrf_token())
    if body is not None and all(p is not None for p in parts):
        served = tuple((f.slot.fragment, "signed-out" if f.slot.signed_out else "fresh") for f in fetched)
        deps().pages.put(key, Page(body, tuple(p for p in parts if p is not None), served))


def render_page(
    title: str, main: Slot, active: str | None = None, own_search: bool = False, below: tuple[Slot, ...] = ()
) -> BaseResponse:
    """A shell page: only its main fragment for an htmx swap, or the whole composed page. `own_search`: the main
    fragment has the page's "Search products" box. `below`: optional slots shown under the main region, in order
    (a failure is its fallback, the page keeps the main slot's status)."""
    page_url = request.full_path.rstrip("?")
    if wants_fragment():
        return fragment_response(fetch(main, forwarded_headers(), query=request.query_string, page_url=page_url))
    if _request_page_key() is not None:
        labelled(deps().pages_served, "composed").inc()
    pending = start_all([main, *HEADER_SLOTS, *below], page_url, query=request.query_string)  # all at once
    main_f = collect(Pending({main: pending.futures[main]}, page_url, pending.query, pending.headers))["main"]
    redirected = _redirect(main_f)
    if redirected is not None:
        return redirected
    header = Pending({s: f for s, f in pending.futures.items() if s.name != "main"}, page_url, headers=pending.headers)
    if EARLY_FLUSH and not all(f.done() for f in header.futures.values()):
        return _flushed_early(title, main_f, header, active, own_search, below)
    regions = collect(header)
    resp = _layout(title, main_f, regions, active, own_search, below)
    _keep(resp, [main_f, *regions.values()])
    return resp


def shell_page(html: str, status: int = 200, title: str = "Fragmart") -> BaseResponse:
    """A page whose main region the shell renders itself (an error, an info page): no fragment to ask."""
    main = Fetched(Slot("main", "shell", "/"), Markup(html), status)
    if wants_fragment():
        return fragment_response(main)
    return page_response(title, main)


def error_page(status: int, message: str) -> BaseResponse:
    return shell_page(render_template("errors/_error.html", status=status, message=message), status, "Error")
