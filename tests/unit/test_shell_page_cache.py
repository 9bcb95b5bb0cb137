"""Whole pages kept for browsers without a session (shell/caching/pages.py): which requests may have one, how each
served copy becomes the browser's own, and how a page ends with any of the fragment cache entries it was made of."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from flask import Flask
from werkzeug.datastructures import Headers

from common.web.form_keys import PLACED
from shell.caching import FragmentClient, Page, PageCache, Part
from shell.caching.pages import TOKEN_MARK, depersonalised, page_key, personalised
from shell.caching.store import memory_cache
from tests.support.servers import serving

TOKEN = "Tk0-_abcdefghijklmnopqrstuvwxyzABCDEFG12345"  # the shape the shell mints (token_urlsafe(32))
KEY = re.compile(r'name="form_key" value="([0-9a-f]{32})"')


def key_for(method="GET", headers=(), cookies=None, path="/", query=b""):
    return page_key(method, "http", path, query, Headers(list(headers)), cookies or {})


def test_only_a_whole_page_get_from_a_browser_with_at_most_its_csrf_cookie_may_have_a_kept_page():
    assert key_for() == ("http", "/", b"", None)
    assert key_for("HEAD") is not None
    assert key_for(cookies={"fm_csrf": TOKEN}) == key_for()  # one page for every such browser
    assert key_for("POST") is None
    for header in ("HX-Request", "HX-Boosted", "HX-History-Restore-Request"):
        assert key_for(headers=[(header, "true")]) is None, header
    for cookie in ("fm_access", "fm_refresh", "fm_cart", "anything"):
        assert key_for(cookies={"fm_csrf": TOKEN, cookie: "x"}) is None, cookie
    # A token the visitor wrote themselves (markup, too short) takes the composed path, which escapes it.
    for odd in ('"><script>alert(1)</script>', "short", TOKEN + "<"):
        assert key_for(cookies={"fm_csrf": odd}) is None, odd


def test_a_page_is_keyed_by_its_path_its_query_and_its_language():
    pages = {
        key_for(path="/products", query=b"q=linen"),
        key_for(path="/products", query=b"q=wool"),
        key_for(path="/products/classic-linen-shirt"),
        key_for(headers=[("Accept-Language", "fr")]),
        key_for(),
    }
    assert len(pages) == 5
    assert page_key("GET", "https", "/", b"", Headers(), {}) != key_for()


def test_each_served_copy_carries_the_browsers_own_token_and_fresh_form_keys():
    composed = (
        f'<body hx-headers=\'{{"X-CSRF-Token": "{TOKEN}"}}\'><form><input name="csrf_token" value="{TOKEN}">'
        f'<input type="hidden" name="form_key" value="{"a" * 32}"></form>'
        f'<form><input type="hidden" name="form_key" value="{"b" * 32}"></form></body>'
    )
    kept = depersonalised(composed, TOKEN)
    assert kept is not None and TOKEN not in kept and kept.count(TOKEN_MARK) == 2 and kept.count(PLACED) == 2
    page = Page(kept, ())
    other = "Zz9" + TOKEN[3:]
    first, second = personalised(page, other), personalised(page, other)
    assert first.count(other) == 2 and TOKEN_MARK not in first and PLACED not in first
    keys = KEY.findall(first) + KEY.findall(second)
    assert len(keys) == 4 and len(set(keys)) == 4  # every served form is its own submission
    assert depersonalised(composed, "short") is None  # a token that could be told apart from text is never kept
    assert depersonalised(f"{composed}{TOKEN_MARK}", TOKEN) is None  # a page that shows the mark itself


@pytest.fixture
def origin():
    app = Flask(__name__)

    @app.get("/region")
    def region():
        return "the same for everyone", 200, {"Cache-Control": "public, max-age=60"}

    with serving(app) as url:
        yield url


def kept_page(client: FragmentClient) -> Page:
    """A page made of the client's one fresh entry, as the shell keeps it after composing."""
    client.fetch("GET", "/region")
    found = client.lookup("/region")
    assert found is not None and found.rung == "fresh" and found.key is not None
    return Page("<html>the page</html>", (Part(client, found.key, found.response),))


def test_a_kept_page_is_served_while_its_regions_entries_are_the_stored_fresh_ones(origin):
    client = FragmentClient("x", origin, memory_cache(), None)
    pages = PageCache()
    page = kept_page(client)
    pages.put(("k",), page)
    assert pages.get(("k",)) is page and pages.get(("other",)) is None


def test_a_page_ends_with_a_region_that_expired_was_stored_anew_or_was_purged(origin):
    client = FragmentClient("x", origin, memory_cache(), None)
    pages = PageCache()
    page = kept_page(client)
    cache = client.cache
    assert cache is not None

    def ended_by(change) -> None:
        pages.put(("k",), page)
        entry = cache.responses[page.parts[0].key]
        change(entry)
        assert pages.get(("k",)) is None and len(pages) == 0
        cache.responses[page.parts[0].key] = page.parts[0].entry  # as it was, for the next change

    ended_by(lambda e: setattr(page.parts[0].entry, "expires", datetime.now(timezone.utc) - timedelta(seconds=1)))
    page.parts[0].entry.expires = datetime.now(timezone.utc) + timedelta(seconds=60)
    ended_by(lambda e: cache.responses.__setitem__(page.parts[0].key, e))  # a revalidation stores another copy
    ended_by(lambda e: cache.responses.__delitem__(page.parts[0].key))  # a 404 purge
    client.forget()  # live templates: an edited template empties the fragment cache
    pages.put(("k",), page)
    assert pages.get(("k",)) is None


def test_a_region_taken_only_while_its_app_is_up_ends_the_page_when_the_shell_holds_no_connection_to_it(origin):
    """werkzeug's server closes every connection after its answer, so here the app is never "up" for free."""
    client = FragmentClient("x", origin, memory_cache(), None)
    pages = PageCache()
    page = kept_page(client)
    part = page.parts[0]
    assert not client.connected()
    pages.put(("plain",), page)
    pages.put(("guarded",), Page(page.body, (Part(client, part.key, part.entry, while_connected=True),)))
    assert pages.get(("plain",)) is page and pages.get(("guarded",)) is None


def test_the_cache_keeps_at_most_maxsize_pages_dropping_the_least_recently_used():
    pages = PageCache(maxsize=2)
    a, b, c = (Page(name, ()) for name in "abc")
    pages.put(("a",), a)
    pages.put(("b",), b)
    assert pages.get(("a",)) is a  # a is now the most recently used
    pages.put(("c",), c)
    assert pages.get(("b",)) is None and pages.get(("a",)) is a and pages.get(("c",)) is c
