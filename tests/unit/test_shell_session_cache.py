"""The shell's per-session store: what it keeps, for whom, for how long, and what a write ends."""

from __future__ import annotations

import jwt
import pytest
from requests.structures import CaseInsensitiveDict

from shell.caching.per_session import SessionCache, lifetime, sessions
from shell.caching.requests_cache_glue import KEYED


class Answer:
    def __init__(self, text: str):
        self.status_code, self.text = 200, text
        self.headers = CaseInsensitiveDict({"Cache-Control": "private, max-age=10"})


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Cache-Control": "private, max-age=10", "Vary": "Cookie, HX-Request"}, 10),
        ({"Cache-Control": "private, no-store"}, 0),
        ({"Cache-Control": "private"}, 0),
        ({"Cache-Control": "public, max-age=60"}, 0),  # the shared cache's business
        ({"Cache-Control": "private, max-age=10", "Set-Cookie": "a=b"}, 0),
        ({"Cache-Control": "private, max-age=10", "Vary": "Cookie, X-Other"}, 0),  # a header outside the key
        ({"Cache-Control": "private, max-age=ten"}, 0),
    ],
)
def test_only_a_private_answer_with_a_lifetime_that_varies_on_keyed_headers_is_kept(headers, seconds):
    assert lifetime(CaseInsensitiveDict(headers), KEYED) == seconds


def test_a_session_is_labelled_by_its_account_and_its_guest_cart_and_a_bare_browser_by_nothing():
    access = jwt.encode({"sub": "u1"}, "k" * 32, algorithm="HS256")
    assert sessions(f"access_token_cookie={access}; fm_cart=c9; fm_csrf=x") == ("user:u1", "cart:c9")
    assert sessions("access_token_cookie=not-a-jwt") == ("token:not-a-jwt",)
    assert sessions("fm_csrf=x") == () and sessions(None) == ()


def test_an_entry_lives_its_max_age_then_is_gone():
    clock = Clock()
    cache = SessionCache(clock=clock)
    cache.put(("k",), ("user:a",), Answer("mine"), 10, cache.tick())
    assert cache.get(("k",)).text == "mine"
    clock.now += 10
    assert cache.get(("k",)) is None


def test_forgetting_a_session_drops_its_entries_only():
    cache = SessionCache()
    cache.put(("a1",), ("user:a",), Answer("a"), 10, cache.tick())
    cache.put(("a2",), ("user:a", "cart:c"), Answer("a"), 10, cache.tick())
    cache.put(("b",), ("user:b",), Answer("b"), 10, cache.tick())
    cache.forget(("cart:c",))
    assert cache.get(("a2",)) is None and cache.get(("a1",)) is not None
    cache.forget(("user:a",))
    assert cache.get(("a1",)) is None and cache.get(("b",)).text == "b"


def test_an_answer_asked_before_a_write_of_its_session_is_not_kept():
    cache = SessionCache()
    asked = cache.tick()
    cache.forget(("user:a",))  # the write landed while the answer was on its way
    cache.put(("k",), ("user:a",), Answer("before the write"), 10, asked)
    assert cache.get(("k",)) is None
    cache.put(("k",), ("user:a",), Answer("after"), 10, cache.tick())
    assert cache.get(("k",)).text == "after"


def test_past_its_size_the_least_recently_used_entry_goes_with_its_index():
    cache = SessionCache(maxsize=2)
    for key in ("a", "b", "c"):
        cache.put((key,), (f"user:{key}",), Answer(key), 10, cache.tick())
    assert cache.get(("a",)) is None and cache.get(("c",)).text == "c"
    assert "user:a" not in cache._by_session


def test_an_answer_without_a_session_is_never_kept():
    cache = SessionCache()
    cache.put(("k",), (), Answer("anyone"), 10, cache.tick())
    assert cache.get(("k",)) is None
