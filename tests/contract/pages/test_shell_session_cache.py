"""The shell as each shopper's private cache: a `private, max-age` answer is reused only for the same session, and
a write the shell relays for that session ends it at once."""

from __future__ import annotations

import re
import time
import uuid

import jwt
import pytest
from flask import Flask, request

import shell
from common.auth.session import ACCESS_COOKIE, CART_COOKIE
from common.web.cacheable import cacheable, per_session
from tests.support.servers import serving

HTMX = {"HX-Request": "true"}


def token(sub: str) -> str:
    """An access token as the browser holds it; the shell reads only its subject and expiry, never trusts them."""
    return jwt.encode({"sub": sub, "exp": int(time.time()) + 600, "jti": uuid.uuid4().hex}, "x" * 32, algorithm="HS256")


def header_app() -> tuple[Flask, dict, list]:
    """Stands in for the auth, cart and products fragment apps: the badge and mini-cart per session, counting asks."""
    app, asked = Flask(__name__), []
    carts: dict[str, int] = {}  # items in each shopper's cart

    def who() -> str:
        if request.cookies.get(ACCESS_COOKIE):
            return jwt.decode(request.cookies[ACCESS_COOKIE], options={"verify_signature": False})["sub"]
        return f"guest-{request.cookies.get(CART_COOKIE)}"

    @app.get("/featured")
    @cacheable(60)
    def featured():
        return "<p>featured</p>"

    @app.get("/badge")
    @per_session(10)
    def badge():
        asked.append(("badge", who()))
        return f"<span id='account'>hello {who()}</span>"

    @app.get("/mini")
    @per_session(10)
    def mini():
        asked.append(("mini", who()))
        return f"<a id='minicart'>Cart, {carts.get(who(), 0)} items</a>"

    @app.post("/add")
    def add():
        carts[who()] = carts.get(who(), 0) + 1
        return "added", 200, {"HX-Trigger": "cart-changed"}

    return app, carts, asked


@pytest.fixture
def site(redis_url):
    app, carts, asked = header_app()
    with serving(app) as url:
        urls = dict.fromkeys(("products", "auth", "cart", "checkout", "profile"), url)
        yield shell.create_app({"redis_url": redis_url, "fragment_urls": urls}), asked


def browser(app, sub: str | None, cart: str | None = None):
    client = app.test_client()
    client.set_cookie("fm_csrf", f"csrf-{sub or cart}")
    if sub:
        client.set_cookie(ACCESS_COOKIE, token(sub))
    if cart:
        client.set_cookie(CART_COOKIE, cart)
    return client


def count(html: str) -> int:
    found = re.search(r"Cart, (\d+) items", html)
    assert found is not None, f"no mini-cart in {html!r}"
    return int(found.group(1))


def test_a_shoppers_header_is_asked_once_then_kept_for_that_session_only(site):
    app, asked = site
    ann, bob = browser(app, "ann"), browser(app, "bob")
    for _ in range(3):
        assert "hello ann" in ann.get("/").get_data(as_text=True)
        bob_page = bob.get("/").get_data(as_text=True)
        assert "hello bob" in bob_page and "ann" not in bob_page
    assert asked.count(("badge", "ann")) == 1 and asked.count(("mini", "ann")) == 1
    assert asked.count(("badge", "bob")) == 1 and asked.count(("mini", "bob")) == 1
    metrics = app.test_client().get("/metrics").get_data(as_text=True)
    assert re.search(r'fragment_served_total\{fragment="auth",rung="session"\} 4\.0', metrics)


def test_a_write_relayed_for_the_session_shows_on_the_next_page_at_once(site):
    app, asked = site
    ann, bob = browser(app, "ann"), browser(app, "bob")
    assert count(ann.get("/").get_data(as_text=True)) == 0
    assert count(bob.get("/").get_data(as_text=True)) == 0
    assert ann.post("/f/cart/add", headers=HTMX).status_code == 200
    assert count(ann.get("/").get_data(as_text=True)) == 1
    assert count(ann.get("/f/cart/mini", headers=HTMX).get_data(as_text=True)) == 1
    assert count(bob.get("/").get_data(as_text=True)) == 0
    assert asked.count(("mini", "bob")) == 1  # another shopper's write leaves bob's kept answer alone


def test_a_guest_cart_is_kept_by_its_cookie_and_a_browser_without_one_is_never_kept(site):
    app, asked = site
    cart = uuid.uuid4().hex  # this test's own: nothing any other test kept can answer for it
    guest = browser(app, None, cart=cart)
    first = guest.get("/").get_data(as_text=True)
    guest.get("/")
    served = [ln for ln in app.test_client().get("/metrics").get_data(as_text=True).splitlines() if "served" in ln]
    mini = re.findall(r"<[^<]*minicart[\s\S]{0,300}", first)[:1]
    assert asked.count(("mini", f"guest-{cart}")) == 1, (asked, mini, served)
    guest.post("/f/cart/add", headers=HTMX)
    assert count(guest.get("/").get_data(as_text=True)) == 1
    stranger = app.test_client()  # no cookie at all: a first visit each time, nothing to key a session on
    stranger.get("/f/cart/mini", headers=HTMX)
    stranger.get("/f/cart/mini", headers=HTMX)
    assert asked.count(("mini", "guest-None")) == 2


def test_the_browser_is_told_not_to_store_what_the_shell_keeps_per_session(site):
    app, _ = site
    resp = browser(app, "ann").get("/f/cart/mini", headers=HTMX)
    assert resp.headers["Cache-Control"] == "private, no-store"
