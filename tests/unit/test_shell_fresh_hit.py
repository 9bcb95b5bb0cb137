"""The fragment cache's front: each answer comes with its rung, and the fast path for fresh answers serves only what
the library's own keying would."""

from __future__ import annotations

from flask import Flask, request

from shell.caching import FragmentClient
from shell.caching.store import memory_cache
from tests.servers import serving


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
