"""Fetch fragments from the fragment apps in parallel, each with a timeout, with fallbacks."""

from __future__ import annotations

import contextvars
import logging
import re
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from functools import lru_cache

from flask import current_app, g, render_template, request
from markupsafe import Markup, escape
from werkzeug.http import parse_cookie

from common.errors import AppError
from common.observability import tracing
from common.web.cacheable import CSRF_FIELD, PERSONAL
from common.web.csrf import CSRF_COOKIE
from common.web.form_keys import FIELD as FORM_KEY_FIELD
from common.web.form_keys import fresh_keys
from common.web.htmx import (
    HX_BOOSTED,
    HX_CURRENT_URL,
    HX_HISTORY_RESTORE_REQUEST,
    HX_PUSH_URL,
    HX_REDIRECT,
    HX_REFRESH,
    HX_REPLACE_URL,
    HX_REQUEST,
    HX_RESWAP,
    HX_RETARGET,
    HX_TARGET,
    HX_TRIGGER,
)

from .budget import remaining_budget
from .caching import Answer, FragmentClient
from .deps import deps
from .session import with_session_cookies
from .signed_out import NOTHING, signed_out_path

log = logging.getLogger(__name__)
_pool = ThreadPoolExecutor(max_workers=32, thread_name_prefix="compose")

# Request headers a fragment app needs to act for the browser.
# Fields never written back into a page: a failed post holding one is not offered again ("Try again").
SECRET = re.compile(r"^code$|(^|_)(password|card_number|cvc|expiry|otp|secret|token)$", re.I)
PASSED_HEADERS = (
    "Cookie",
    "Accept-Language",
    HX_REQUEST,
    HX_TARGET,
    HX_TRIGGER,
    HX_CURRENT_URL,
    HX_BOOSTED,
    HX_HISTORY_RESTORE_REQUEST,
    "Content-Type",
    "X-CSRF-Token",
)
# Response headers the browser must see from a fragment.
RETURNED_HEADERS = (
    "Location",
    HX_TRIGGER,
    HX_REDIRECT,
    HX_PUSH_URL,
    HX_REPLACE_URL,
    HX_RETARGET,
    HX_RESWAP,
    HX_REFRESH,
    "Cache-Control",
    "Vary",
    "Retry-After",
)


@dataclass(frozen=True)
class Slot:
    name: str
    fragment: str
    path: str
    signed_out: bool = False  # asked as every browser without a session sees it (shell/signed_out.py)


@dataclass
class Fetched:
    slot: Slot
    html: Markup
    status: int = 200
    headers: dict = field(default_factory=dict)
    cookies: list = field(default_factory=list)
    failed: bool = False
    answer: Answer | None = None  # how the fragment's answer was served (None: a fallback, or nobody asked)


@dataclass(frozen=True)
class Pending:
    """Slots being fetched in the background, to be collected by the page's deadline."""

    futures: dict[Slot, Future]
    page_url: str
    query: bytes = b""
    headers: dict = field(default_factory=dict)


@lru_cache(maxsize=1024)
def labelled(metric, *labels):
    """A metric's child for these labels, looked up once (prometheus_client's labels() is a few % of a page)."""
    return metric.labels(*labels)


def forwarded_headers() -> dict:
    headers = {h: request.headers[h] for h in PASSED_HEADERS if h in request.headers}
    if g.get("csrf_minted"):  # a first visit: fragments must render the token the shell is about to set
        minted = f"{CSRF_COOKIE}={g.csrf_minted}"
        headers["Cookie"] = f"{headers['Cookie']}; {minted}" if headers.get("Cookie") else minted
    headers = with_session_cookies(headers)  # after a silent refresh, fragments act with the new token
    # The shell is the edge: the browser's own X-Forwarded-For is never trusted (ProxyFix handles real proxies).
    headers["X-Forwarded-For"] = request.remote_addr or ""
    headers["X-Request-ID"] = g.request_id
    return headers


def fetch(
    slot: Slot, headers: dict, method: str = "GET", query: bytes = b"", body: bytes | None = None, page_url: str = "/"
) -> Fetched:
    """One fragment: what the cache holds for it when that needs nobody asked, else the fragment's answer; any
    failure or timeout becomes a fallback (503 if it is the page's main slot)."""
    return served(slot, headers, page_url, None, method, query, body)


@tracing.in_span(
    lambda slot, *a, **k: (
        f"fragment {slot.fragment}",
        {"fragmart.fragment": slot.fragment, "fragmart.slot": slot.name},
    )
)
def served(
    slot: Slot,
    headers: dict,
    page_url: str,
    found: Answer | None = None,
    method: str = "GET",
    query: bytes = b"",
    body: bytes | None = None,
    looked_up: bool = False,
) -> Fetched:
    """A slot as the page uses it: the answer start_all's lookup found, else the cache front's fetch (which looks
    up first unless `looked_up` says that lookup found nothing); a failure (no answer, or a 5xx) is the fallback."""
    started = time.perf_counter()
    try:
        client: FragmentClient = deps().fragments[slot.fragment]
        answer = found or client.fetch(method, slot.path, headers, query or None, body, looked_up)
        if answer.response.status_code >= 500:
            raise AppError(f"fragment answered {answer.response.status_code}")
    except AppError as e:
        log.warning("fragment failed", extra={"fragment": slot.fragment, "path": slot.path, "error": e.message})
        labelled(deps().served, slot.fragment, "fallback").inc()
        tracing.tag(cache_rung="fallback")
        return failed(slot, page_url, method, query)
    finally:
        labelled(deps().latency, slot.fragment).observe(time.perf_counter() - started)
    return answered(slot, answer, headers)


def answered(slot: Slot, answer: Answer, headers: dict) -> Fetched:
    """A fragment's answer (live or from the cache) as the page uses it: headers kept, this browser's CSRF token."""
    resp = answer.response
    rung = "signed-out" if slot.signed_out else answer.rung  # counted apart: the region no session changes
    labelled(deps().served, slot.fragment, rung).inc()
    tracing.tag(cache_rung=rung)
    kept = {h: resp.headers[h] for h in RETURNED_HEADERS if h in resp.headers}
    if "private" in kept.get("Cache-Control", ""):  # the shell keeps it per session (shell/caching/per_session.py)
        kept["Cache-Control"] = PERSONAL  # only the shell sees the writes that end it, so the browser keeps nothing
    # A cached answer replays no cookies: a shared answer never sets any, and a personal one is never stored.
    live = resp.raw is not None and not getattr(resp, "from_cache", False)
    cookies = resp.raw.headers.getlist("Set-Cookie") if live else []
    html = resp.text
    if CSRF_FIELD in html:  # a shared answer with a form: this browser's own token goes in here
        html = html.replace(CSRF_FIELD, f'name="csrf_token" value="{_csrf_token(headers)}"')
        kept["Cache-Control"] = PERSONAL
    return Fetched(slot, Markup(fresh_keys(html)), resp.status_code, kept, cookies, answer=answer)


def _csrf_token(headers: dict) -> str:
    """The browser's CSRF token as forwarded (forwarded_headers adds one the shell just minted), escaped for HTML."""
    return str(escape(parse_cookie(headers.get("Cookie", "")).get(CSRF_COOKIE, "")))


def failed(slot: Slot, page_url: str, method: str = "GET", query: bytes = b"") -> Fetched:
    """The fallback for a slot; an outage, so 503 when the page's status is this slot's."""
    return Fetched(slot, fallback(slot, page_url, method, query), status=503, failed=True)


def fallback(slot: Slot, page_url: str, method: str = "GET", query: bytes = b"") -> Markup:
    """A GET is retried in place. A form post that failed may still take effect when the fragment recovers: the
    shopper is warned, and "Try again" sends the same submission (its form key too), which the fragment applies at
    most once (common/web/form_keys.py). A post without a key, or with a secret in it, is never re-sent."""
    retry_url = f"/f/{slot.fragment}{slot.path}" + (f"?{query.decode('latin-1')}" if query else "")
    unsafe = method != "GET"
    return Markup(
        render_template(
            "shell/_fallback.html",
            slot=slot.name,
            page_url=page_url,
            retry_url=retry_url,
            unsafe=unsafe,
            resend=_resendable() if unsafe else [],
        )
    )


def _resendable() -> list[tuple[str, str]]:
    """The posted fields, to post again as they were; none unless the form had a key and holds no secret."""
    if request.mimetype != "application/x-www-form-urlencoded" or FORM_KEY_FIELD not in request.form:
        return []
    fields = list(request.form.items(multi=True))
    if any(SECRET.search(name) and name != "csrf_token" for name, _ in fields):
        return []
    return fields


def start_all(slots: list[Slot], page_url: str, query: bytes = b"") -> Pending:
    """Start fetching every slot at once; only the main slot gets the page's query string."""
    headers = forwarded_headers()
    for h in (HX_REQUEST, HX_TARGET, HX_TRIGGER, HX_BOOSTED, HX_HISTORY_RESTORE_REQUEST, "Content-Type"):
        headers.pop(h, None)  # composed slots are always rendered whole, and are GETs without a body
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the app itself, for the pool's threads
    cookies = parse_cookie(headers.get("Cookie", ""))

    def run(slot: Slot) -> Fetched:
        with app.app_context():
            return served(slot, headers, page_url, query=slot_query(slot), looked_up=True)

    def asked(slot: Slot) -> Slot:
        """The slot as it is asked: a header region of a browser without a session is the one everyone shares."""
        guest = None if slot.name == "main" else signed_out_path(slot.path, cookies, deps().fragments[slot.fragment])
        return slot if guest is None else replace(slot, path=guest, signed_out=True)

    def start(slot: Slot) -> Future | Answer:
        """A slot's future, or the answer the cache has for it without asking (taken here once the others run)."""
        if slot.signed_out and slot.path == NOTHING:  # empty for every browser without a session: nobody to ask
            labelled(deps().served, slot.fragment, "signed-out").inc()
            return _done(Fetched(slot, Markup("")))
        found = deps().fragments[slot.fragment].lookup(slot.path, headers, slot_query(slot) or None)
        if found is not None:
            return found  # no wait to overlap: a thread hand-off would cost more than the answer
        # Each slot runs in a copy of this context, so its log lines carry the page's request id.
        return _pool.submit(contextvars.copy_context().run, run, slot)

    def slot_query(slot: Slot) -> bytes:
        return query if slot.name == "main" else b""

    futures = {slot: start(slot) for slot in [asked(s) for s in slots]}  # every call under way before any is used
    started = {
        slot: found
        if isinstance(found, Future)
        else _done(served(slot, headers, page_url, found, query=slot_query(slot)))
        for slot, found in futures.items()
    }
    return Pending(started, page_url, query, headers)


def _done(fetched: Fetched) -> Future:
    future: Future = Future()
    future.set_result(fetched)
    return future


def collect(pending: Pending) -> dict[str, Fetched]:
    """Wait for the slots until the page's deadline, not one timeout per slot; late ones become fallbacks."""
    done, _ = wait(pending.futures.values(), timeout=remaining_budget())
    return {
        slot.name: future.result()
        if future in done
        else _timed_out(slot, pending, pending.query if slot.name == "main" else b"")
        for slot, future in pending.futures.items()
    }


def fetch_all(slots: list[Slot], page_url: str, query: bytes = b"") -> dict[str, Fetched]:
    return collect(start_all(slots, page_url, query))


def _timed_out(slot: Slot, pending: Pending, query: bytes) -> Fetched:
    """A slot late for the page's deadline: its stored copy when the cache may still serve one, else the fallback."""
    log.warning("fragment timed out", extra={"fragment": slot.fragment, "path": slot.path})
    kept = deps().fragments[slot.fragment].kept(slot.path, pending.headers, query or None)
    if kept is not None:
        return answered(slot, kept, pending.headers)
    return failed(slot, pending.page_url, query=query)
