"""The fragment cache's front: each answer comes with its rung, and the fast path for fresh answers serves only what
the library's own keying would."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, make_response, request

from shell.caching import FragmentClient
from shell.caching.store import memory_cache
from tests.support.servers import serving


def origin_app(vary: str) -> tuple[Flask, list]:
    app, asked = Flask(__name__), []

    @app.get("/x")
    def x():
        asked.append(request.headers.get("X-Other"))
        return "same for everyone", 200, {"Cache-Control": "public, max-age=60", "Vary": vary}

    return app, asked


def client_of(url: str) -> FragmentClient:
    return FragmentClient("x", url, memory_cache(), None)


def test_a_fresh_answer_keyed_before_is_served_without_asking_and_counted_fresh():
    app, asked = origin_app("HX-Request")
    with serving(app) as url:
        client = client_of(url)
        assert client.lookup("/x", {"HX-Request": "true"}) is None  # never asked: nothing to look up
        first = client.fetch("GET", "/x", headers={"HX-Request": "true"})
        assert first.rung == "live"
        found = client.lookup("/x", {"HX-Request": "true"})
        assert found is not None and found.rung == "fresh" and found.response.text == "same for everyone"
        again = client.fetch("GET", "/x", headers={"HX-Request": "true"})
        assert again.rung == "fresh" and again.response.text == "same for everyone"
        other = client.fetch("GET", "/x")  # another value of a keyed header is another entry
        assert other.rung == "live"
    assert len(asked) == 2


def test_an_answer_varying_on_a_header_outside_the_key_takes_the_librarys_vary_check():
    app, asked = origin_app("X-Other")
    with serving(app) as url:
        client = client_of(url)
        client.fetch("GET", "/x", headers={"X-Other": "a"})
        assert client.lookup("/x", {"X-Other": "b"}) is None
        client.fetch("GET", "/x", headers={"X-Other": "b"})
    assert asked == ["a", "b"]


def test_a_request_with_its_own_directive_is_never_answered_by_the_fast_path():
    app, asked = origin_app("HX-Request")
    with serving(app) as url:
        client = client_of(url)
        client.fetch("GET", "/x")
        assert client.lookup("/x", {"Cache-Control": "no-cache"}) is None
        client.fetch("GET", "/x", headers={"Cache-Control": "no-cache"})
    assert len(asked) == 2


def ladder_app(cache_control: str) -> tuple[Flask, list]:
    """An origin whose one answer carries an ETag and answers a matching If-None-Match with a 304."""
    app, asked = Flask(__name__), []

    @app.get("/y")
    def y():
        asked.append(request.headers.get("If-None-Match"))
        resp = make_response("the same page")
        resp.headers["Cache-Control"] = cache_control
        resp.set_etag("v1")
        return resp.make_conditional(request)

    return app, asked


def age(client: FragmentClient, seconds: float) -> None:
    """Every stored answer is `seconds` older than it was."""
    assert client.cache is not None
    store: Any = client.cache.responses  # the in-memory storage, a dict underneath
    for entry in store.data.values():
        entry.expires -= timedelta(seconds=seconds)


def test_an_expired_answer_revalidated_with_a_304_says_so():
    app, asked = ladder_app("public, max-age=60")
    with serving(app) as url:
        client = client_of(url)
        assert client.fetch("GET", "/y").rung == "live"
        age(client, 61)
        again = client.fetch("GET", "/y")
    assert again.rung == "revalidated" and again.response.text == "the same page"
    assert asked == [None, '"v1"']


def test_inside_stale_while_revalidate_the_answer_says_it_was_served_stale():
    app, _ = ladder_app("public, max-age=60, stale-while-revalidate=30")
    with serving(app) as url:
        client = client_of(url)
        client.fetch("GET", "/y")
        age(client, 70)
        stale = client.fetch("GET", "/y")
    assert stale.rung == "stale-while-revalidate" and stale.response.text == "the same page"


def test_with_the_fragment_gone_inside_stale_if_error_the_answer_says_so_and_past_it_nothing_is_served():
    app, _ = ladder_app("public, max-age=60, stale-if-error=600")
    with serving(app) as url:
        client = client_of(url)
        client.fetch("GET", "/y")
    age(client, 120)  # the server is gone: nothing answers at its port
    stale = client.fetch("GET", "/y")
    assert stale.rung == "stale-if-error" and stale.response.text == "the same page"
    kept = client.kept("/y")
    assert kept is not None and kept.rung == "stale-if-error"
    age(client, 600)
    assert client.kept("/y") is None
