"""The shell's fast path for fresh fragment answers serves only what the library's own keying would."""

from __future__ import annotations

from flask import Flask, request

from shell.cache import CachingClient, rung
from shell.cache_store import memory_cache
from tests.servers import serving


def origin_app(vary: str) -> tuple[Flask, list]:
    app, asked = Flask(__name__), []

    @app.get("/x")
    def x():
        asked.append(request.headers.get("X-Other"))
        return "same for everyone", 200, {"Cache-Control": "public, max-age=60", "Vary": vary}

    return app, asked


def test_a_fresh_answer_keyed_before_is_served_without_asking_and_counted_fresh():
    app, asked = origin_app("HX-Request")
    with serving(app) as url:
        client = CachingClient("x", url, memory_cache())
        first = client.request("GET", "/x", headers={"HX-Request": "true"})
        assert rung(first) == "live"
        again = client.request("GET", "/x", headers={"HX-Request": "true"})
        assert rung(again) == "fresh" and again.text == "same for everyone"
        other = client.request("GET", "/x")  # another value of a keyed header is another entry
        assert rung(other) == "live"
    assert len(asked) == 2


def test_an_answer_varying_on_a_header_outside_the_key_takes_the_librarys_vary_check():
    app, asked = origin_app("X-Other")
    with serving(app) as url:
        client = CachingClient("x", url, memory_cache())
        client.request("GET", "/x", headers={"X-Other": "a"})
        client.request("GET", "/x", headers={"X-Other": "b"})
    assert asked == ["a", "b"]


def test_a_request_with_its_own_directive_is_never_answered_by_the_fast_path():
    app, asked = origin_app("HX-Request")
    with serving(app) as url:
        client = CachingClient("x", url, memory_cache())
        client.request("GET", "/x")
        client.request("GET", "/x", headers={"Cache-Control": "no-cache"})
    assert len(asked) == 2
