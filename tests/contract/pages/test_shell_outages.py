"""The shell and real fragment apps when what is behind them fails: down services, a hung fragment, a slow
gateway, a rate limit. Outages are 503 (or a 200 fallback for htmx), never a 4xx that blames the shopper."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest
from flask import Flask

import fragments.auth
import fragments.cart
import fragments.checkout
import fragments.products
import fragments.profile
import gateway
import shell
from common.auth.session import ACCESS_COOKIE, REFRESH_COOKIE
from common.settings import SERVICE_PORTS
from devstack.probes import free_port
from tests.support.servers import serving

FRAGMENTS = {
    "auth": fragments.auth,
    "products": fragments.products,
    "cart": fragments.cart,
    "checkout": fragments.checkout,
    "profile": fragments.profile,
}
SERVICES = tuple(n for n in SERVICE_PORTS if n != "auth")
CSRF = "test-csrf-token"
HTMX = {"HX-Request": "true"}
ADD = {"csrf_token": CSRF, "product_id": "classic-linen-shirt", "quantity": "1"}


@contextlib.contextmanager
def storefront(redis_url, issuer, **gateway_settings):
    """Every fragment app, behind a real gateway whose services are all down (a dead port): their URLs."""
    dead = f"http://127.0.0.1:{free_port()}"
    base = {"redis_url": redis_url, "run_workers": False}
    with contextlib.ExitStack() as stack:
        gw = stack.enter_context(
            serving(
                gateway.create_app(
                    {**base, **gateway_settings, "service_urls": issuer.service_urls(**dict.fromkeys(SERVICES, dead))}
                )
            )
        )
        yield {
            name: stack.enter_context(serving(module.create_app({**base, "gateway_url": gw})))
            for name, module in FRAGMENTS.items()
        }


@pytest.fixture(scope="module")
def down(redis_url, issuer):
    with storefront(redis_url, issuer) as urls:
        yield urls


def make_shell(redis_url, fragment_urls, timeout=1.0, **settings):
    app = shell.create_app(
        {"redis_url": redis_url, "fragment_urls": fragment_urls, "fragment_timeout": timeout, **settings}
    )
    client = app.test_client()
    client.set_cookie("fm_csrf", CSRF)
    return client


@contextlib.contextmanager
def hung(*paths: str):
    """A stand-in for a hung app: these paths wait until the test ends (or 10 s); any other answers at once."""
    released, app = threading.Event(), Flask(__name__)
    app.get("/<path:_>")(lambda _: "ok")
    for path in paths:
        app.add_url_rule(path, path, lambda **_: "late" if released.wait(10) else "later", methods=["GET", "POST"])
    with serving(app) as url:
        try:
            yield url
        finally:
            released.set()


@pytest.mark.parametrize("path", ["/", "/products", "/products/classic-linen-shirt", "/cart", "/checkout"])
def test_a_page_whose_service_is_down_is_a_503_with_a_fallback_never_a_4xx(redis_url, issuer, down, path):
    client = make_shell(redis_url, down)
    client.set_cookie(ACCESS_COOKIE, issuer.token())  # /checkout is for signed-in shoppers
    r = client.get(path)
    html = r.get_data(as_text=True)
    assert r.status_code == 503, html
    assert 'id="fallback-main"' in html and "site-header" in html


def test_an_htmx_swap_whose_service_is_down_gets_the_fallback_as_a_200(redis_url, down):
    r = make_shell(redis_url, down).get("/products?q=linen", headers=HTMX)
    assert r.status_code == 200 and r.headers["Fragment-Fallback"] == "1"
    assert 'hx-get="/f/products/grid?q=linen"' in r.get_data(as_text=True)


def test_a_form_post_to_a_hung_fragment_sends_the_shopper_back_warned_not_to_a_405(redis_url, down):
    with hung("/add") as cart, hung("/badge") as auth:
        client = make_shell(redis_url, {**down, "cart": cart, "auth": auth}, timeout=1.0)
        client.set_cookie(ACCESS_COOKIE, "signed-in")  # signed out, the shell renders the badge without asking
        started = time.perf_counter()
        r = client.post("/f/cart/add", data=ADD, headers={"Referer": "http://localhost/products/shirt?size=m"})
        elapsed = time.perf_counter() - started
    html = r.get_data(as_text=True)
    assert r.status_code == 503 and 'id="fallback-main"' in html
    assert 'href="/products/shirt?size=m"' in html and "may still have" in html
    assert 'hx-get="/f/cart/add"' not in html  # a GET of a POST-only URL would be a 405
    # A hung header slot loads alongside the post: one page budget (1.25 s), not the post's then the header's (2.25 s).
    # (The hung slot is another app's, so the test measures the concurrency of the slots, not of one client.)
    assert 'id="fallback-account"' in html and elapsed < 1.8, elapsed


def test_a_failed_htmx_form_post_offers_the_way_back_to_its_own_page_only(redis_url, down):
    with hung("/add") as cart:
        client = make_shell(redis_url, {**down, "cart": cart}, timeout=0.3)
        ours = client.post("/f/cart/add", data=ADD, headers={**HTMX, "Referer": "http://localhost/products/shirt"})
        foreign = client.post("/f/cart/add", data=ADD, headers={**HTMX, "Referer": "https://evil.example/x"})
    assert ours.status_code == 200 and ours.headers["Fragment-Fallback"] == "1"
    assert 'href="/products/shirt"' in ours.get_data(as_text=True)
    assert 'href="/cart"' in foreign.get_data(as_text=True) and "evil" not in foreign.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/f/products/metrics",
        "/f/auth/healthz",
        "/f/cart/readyz",
        "/f/cart/metrics/",
        "/f/products/grid/../metrics",
        "/f/products/./readyz",
    ],
)
def test_the_proxy_refuses_a_fragment_apps_internal_paths(redis_url, down, path):
    assert make_shell(redis_url, down).get(path).status_code == 404


def test_a_slow_silent_refresh_is_bounded_by_the_page_budget(redis_url, issuer, down):
    slow = 8.0  # the HTTP timeouts of the shell and the gateway: what would bound the refresh without the budget
    with (
        hung("/api/auth/refresh") as auth,
        serving(
            gateway.create_app(
                {
                    "redis_url": redis_url,
                    "run_workers": False,
                    "http_timeout": slow,
                    "service_urls": issuer.service_urls(auth=auth),
                }
            )
        ) as gw,
    ):
        # A page budget of 2.25 s: the refresh may take half, and the login form (a real fragment app on this busy
        # machine) has the rest.
        client = make_shell(redis_url, down, timeout=2.0, gateway_url=gw, http_timeout=slow)
        client.set_cookie(REFRESH_COOKIE, "a-refresh-token")  # no access cookie: the shell refreshes first
        started = time.perf_counter()
        r = client.get("/login")
        elapsed = time.perf_counter() - started
    assert r.status_code == 200 and 'id="fallback' not in r.get_data(as_text=True)
    assert elapsed < 4.0, elapsed  # the page budget is 2.25 s; unbounded, the refresh would wait 8 s


def test_a_rate_limited_form_post_is_a_429_with_retry_after(redis_url, issuer):
    with storefront(redis_url, issuer, rate_limit_writes="1/hour") as urls:
        client = make_shell(redis_url, urls, timeout=3.0)
        client.post("/f/cart/add", data=ADD)  # the one write this hour
        plain = client.post("/f/cart/add", data=ADD)
        swapped = client.post("/f/cart/add", data=ADD, headers=HTMX)
        login = client.post("/f/auth/login", data={"csrf_token": CSRF, "email": "a@example.test", "password": "x" * 8})
    for r in (plain, swapped, login):
        assert r.status_code == 429, r.get_data(as_text=True)
        assert r.headers["Retry-After"].isdigit() and int(r.headers["Retry-After"]) > 0
    assert "site-header" in plain.get_data(as_text=True)
