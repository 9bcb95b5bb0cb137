"""Whole pages for browsers without a session: a composed page kept while every region in it is still the fragment
cache's own fresh entry, so such a visitor's page asks nobody and renders nothing.

The fragment cache's rules hold by construction. A page is kept only when each of its regions was served from a
fresh shared entry (public, keyed by the same headers: Vary), and it is served only while each of those entries is
still the one stored and still fresh. A purge (a 404 or 410), a revalidation, the end of a lifetime, or a template
edit under live templates (which empties the fragment cache) ends the page with its region. A region past its
lifetime sends the page back through composition, whose rungs serve stale-while-revalidate and stale-if-error.

Each served copy is this browser's own: its CSRF token where the kept page had a mark, and fresh form keys
(common/web/form_keys.py), so no two visitors ever share a submission."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Any

from common.web.csrf import CSRF_COOKIE
from common.web.form_keys import FIELD, PLACED, fresh_keys
from common.web.htmx import HTMX_HEADERS

from .front import FragmentClient, fresh_hit
from .store import LruStorage

# The browser's CSRF token as kept pages carry it; only a token of this shape is ever put in or taken out (a cookie
# a visitor wrote themselves takes the composed path, which escapes it).
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,128}")
TOKEN_MARK = "csrf-page-mark-9f4c1e27d05b"
KEYS = re.compile(f'name="{FIELD}" value="[0-9a-f]{{32}}"')


@dataclass(frozen=True)
class Part:
    """One region of a kept page: the fragment cache entry it was rendered from."""

    client: FragmentClient
    key: str
    entry: Any  # the stored CachedResponse itself: a revalidation or a purge stores another or none
    while_connected: bool = False  # a signed-out region taken only while its app is up (shell/signed_out.py)

    def current(self) -> bool:
        cache = self.client.cache
        if cache is None or fresh_hit(cache, self.key) is not self.entry:
            return False
        return not self.while_connected or self.client.connected()


@dataclass(frozen=True)
class Page:
    body: str  # with TOKEN_MARK for the browser's CSRF token and the form-key placeholder for each form
    parts: tuple[Part, ...]
    served: tuple[tuple[str, str], ...] = ()  # (fragment, rung) of each region, counted again at each serve


def page_key(method: str, scheme: str, path: str, query: bytes, headers, cookies) -> tuple | None:
    """What a kept page is keyed by, or None when this request may not have one: only a whole-page GET (no htmx
    header) from a browser whose only cookie is its CSRF token, which has the shape kept pages carry."""
    if method not in ("GET", "HEAD") or any(h in headers for h in HTMX_HEADERS):
        return None
    token = cookies.get(CSRF_COOKIE)
    if any(name != CSRF_COOKIE for name in cookies) or (token and not TOKEN.fullmatch(token)):
        return None
    return scheme, path, query, headers.get("Accept-Language")


def personalised(page: Page, token: str) -> str:
    """A kept page as this browser gets it: its own CSRF token, a fresh key in every form."""
    return fresh_keys(page.body.replace(TOKEN_MARK, token))


def depersonalised(html: str, token: str) -> str | None:
    """A composed page as it is kept: this browser's token and form keys back to marks; None when the token is not
    of the kept shape (it could then not be told apart from the page's text)."""
    if not TOKEN.fullmatch(token) or TOKEN_MARK in html:
        return None
    return KEYS.sub(PLACED, html.replace(token, TOKEN_MARK))


class PageCache:
    """Kept pages in the fragment cache's own bounded store (store.py: the least recently used dropped past
    `maxsize`); a page found no longer current is dropped."""

    def __init__(self, maxsize: int = 512):
        self._pages = LruStorage(maxsize)

    def get(self, key: tuple) -> Page | None:
        page = self._pages.peek(key)
        if page is None or all(part.current() for part in page.parts):
            return page
        with contextlib.suppress(KeyError):  # a newer page stored meanwhile goes too: the next request composes it
            del self._pages[key]
        return None

    def put(self, key: tuple, page: Page) -> None:
        self._pages[key] = page

    def __len__(self) -> int:
        return len(self._pages)
