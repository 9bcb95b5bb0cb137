"""Browser-session helpers: where sign-in may return to, when the shell refreshes, what it forwards."""

from __future__ import annotations

import time

import jwt
import pytest
from flask import Flask, g

from fragments.auth.routes import after_sign_in
from shell.session import needs_refresh, with_session_cookies


@pytest.mark.parametrize(
    "value,expected",
    [
        ("/profile", "/profile"),
        ("/products?q=mug&page=2", "/products?q=mug&page=2"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/ok\r\nSet-Cookie: x=1", "/"),
        ("/" + "a" * 600, "/"),
        ("/login", "/"),
        ("/logout?x=1", "/"),
    ],
)
def test_sign_in_only_returns_to_a_path_on_this_site(value, expected):
    assert after_sign_in(value) == expected


def _token(exp: float) -> str:
    return jwt.encode({"sub": "u", "exp": int(exp)}, "k" * 32, algorithm="HS256")


def test_a_missing_expired_expiring_or_garbled_access_token_needs_a_refresh():
    now = time.time()
    assert needs_refresh(None, now)
    assert needs_refresh(_token(now - 1), now)
    assert needs_refresh(_token(now + 5), now)
    assert needs_refresh("garbage", now)
    assert not needs_refresh(_token(now + 600), now)


def test_after_a_refresh_fragments_get_the_new_tokens_and_the_other_cookies_untouched():
    with Flask(__name__).test_request_context():
        g.session_tokens = {"access_token": "NEW-A", "refresh_token": "NEW-R"}
        out = with_session_cookies(
            {"Cookie": "fm_csrf=c; access_token_cookie=OLD; refresh_token_cookie=OLDR", "HX-Request": "true"}
        )
    assert out["Cookie"] == "fm_csrf=c; access_token_cookie=NEW-A; refresh_token_cookie=NEW-R"
    assert out["HX-Request"] == "true"


def test_after_a_refused_refresh_fragments_see_a_signed_out_browser():
    with Flask(__name__).test_request_context():
        g.session_dropped = True
        out = with_session_cookies({"Cookie": "access_token_cookie=OLD; refresh_token_cookie=OLDR; fm_cart=c1"})
    assert out["Cookie"] == "fm_cart=c1"


def test_without_a_refresh_the_headers_pass_unchanged():
    with Flask(__name__).test_request_context():
        headers = {"Cookie": "access_token_cookie=A"}
        assert with_session_cookies(headers) is headers
