"""How a fragment says who may reuse its answer, in standard headers (RFC 9111, RFC 5861): the one place to declare it.

A view is personal unless it says otherwise: every answer without its own Cache-Control leaves as
`private, no-store`, so forgetting a decorator can never share one shopper's page with another.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from flask import Response, g, make_response, request

from .htmx import HTMX_HEADERS

PERSONAL = "private, no-store"
# What a shared answer renders in place of the browser's CSRF token; the shell puts the real one in.
CSRF_PLACEHOLDER = "csrf-placeholder-2b7e151628aed2a6"
# The placeholder as the csrf_input macro emits it. Only this is swapped: user text echoed in a page (a search
# box, a link) is escaped, so it can hold the placeholder but never these quotes around it.
CSRF_FIELD = f'name="csrf_token" value="{CSRF_PLACEHOLDER}"'


def strong_etag(body: bytes) -> str:
    """A hash of the bytes sent: equal tags mean equal bodies, so a 304 can never show someone else's page."""
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def _forget_cookies() -> None:
    """A shared answer may not depend on who asks: the view sees no cookies at all (so no session, no cart)."""
    request.environ.pop("HTTP_COOKIE", None)
    request.__dict__.pop("cookies", None)  # werkzeug caches the parsed cookies on first use


def cacheable(max_age: int, swr: int = 0, sie: int = 0, vary: tuple[str, ...] = ()):
    """The same answer for everyone: `public` with a lifetime, a strong ETag, and 304 to a matching If-None-Match.

    vary: request headers the view reads besides the htmx ones every HTML app varies on (HX-Target, say).
    Only a 200 is shared; errors (a 404, an outage) stay personal, so a cache keeps serving the last good answer.
    """
    directives = ", ".join(
        ["public", f"max-age={max_age}"]
        + ([f"stale-while-revalidate={swr}"] if swr else [])
        + ([f"stale-if-error={sie}"] if sie else [])
    )

    def decorate(view):
        @wraps(view)
        def shared(*args, **kwargs):
            _forget_cookies()
            g.shared_response = True
            resp = make_response(view(*args, **kwargs))
            if resp.status_code != 200 or resp.is_streamed:
                return resp
            resp.headers["Cache-Control"] = directives
            for header in (*HTMX_HEADERS, *vary):
                resp.vary.add(header)
            resp.set_etag(strong_etag(resp.get_data()))
            # The body was rendered to hash it; a matching validator still saves sending it.
            return resp.make_conditional(request)

        return shared

    return decorate


def signed_out(view):
    """A region as every browser without a session sees it (the shell asks for it instead of the personal one):
    shared for a minute, then refreshed in the background for an hour, and served through a day's outage."""
    return cacheable(max_age=60, swr=3600, sie=86400)(view)


def personal(view):
    """About one shopper: never stored by a shared cache (the default too, said here for the reader)."""

    @wraps(view)
    def private(*args, **kwargs):
        resp = make_response(view(*args, **kwargs))
        resp.headers["Cache-Control"] = PERSONAL
        resp.vary.add("Cookie")
        return resp

    return private


def per_session(max_age: int):
    """About one shopper, and theirs to reuse for `max_age` seconds: `private, max-age`, varying on the Cookie.

    Only a private cache may keep it: the browser's own, or the shell acting as one per session
    (shell/caching/per_session.py), which drops it when it relays a write for that session. An answer that cannot
    be trusted for that long (an outage message, say) sets its own Cache-Control, which this leaves alone.
    """
    directives = f"private, max-age={max_age}"

    def decorate(view):
        @wraps(view)
        def kept(*args, **kwargs):
            resp = make_response(view(*args, **kwargs))
            resp.vary.add("Cookie")
            if "Cache-Control" not in resp.headers:
                resp.headers["Cache-Control"] = directives if resp.status_code == 200 else PERSONAL
            return resp

        return kept

    return decorate


def default_personal(resp: Response) -> Response:
    """after_request of every HTML app, last: an answer that declared nothing, or that sets a cookie, is personal."""
    if "Cache-Control" not in resp.headers or ("Set-Cookie" in resp.headers and resp.cache_control.public):
        resp.headers["Cache-Control"] = PERSONAL
    return resp
