"""The shell composing real fragment apps, which call a real gateway and products service."""

from __future__ import annotations

import contextlib
import threading
import time
from types import SimpleNamespace

import pytest
import requests
from flask import Flask

import fragments.auth
import fragments.cart
import fragments.products
import gateway
import shell
from common.auth.session import ACCESS_COOKIE
from common.settings import SERVICE_PORTS
from services.products import create_app as create_products
from tests.support.servers import free_port, serving


@pytest.fixture(scope="module")
def chain(redis_url, issuer):
    """products service <- gateway <- fragment apps: .fragments (their URLs) and .products (the service URL)."""
    base = {"redis_url": redis_url, "run_workers": False}
    with contextlib.ExitStack() as stack:
        products = stack.enter_context(serving(create_products({**base, "service_urls": issuer.service_urls()})))
        gw = stack.enter_context(
            serving(
                gateway.create_app(
                    {
                        **base,
                        "service_urls": dict.fromkeys(SERVICE_PORTS, products),
                    }
                )
            )
        )
        frag = {**base, "gateway_url": gw}
        urls = {
            name: stack.enter_context(serving(module.create_app(frag)))
            for name, module in (("products", fragments.products), ("auth", fragments.auth), ("cart", fragments.cart))
        }
        yield SimpleNamespace(fragments=urls, products=products)


def make_shell(redis_url, fragment_urls, timeout=1.0):
    dead = f"http://127.0.0.1:{free_port()}"
    urls = {"checkout": dead, "profile": dead, **fragment_urls}
    app = shell.create_app({"redis_url": redis_url, "fragment_urls": urls, "fragment_timeout": timeout})
    return app.test_client()


def test_the_home_page_is_complete_html_with_featured_products(redis_url, chain):
    r = make_shell(redis_url, chain.fragments).get("/")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and html.startswith("<!doctype html>")
    assert 'id="featured"' in html and html.count('class="card product-card"') >= 4
    assert 'id="minicart"' in html and 'id="account"' in html and "site-footer" in html
    assert "fallback" not in html


def test_the_products_page_pages_through_the_catalog(redis_url, chain):
    html = make_shell(redis_url, chain.fragments).get("/products?page=2&per_page=5").get_data(as_text=True)
    assert "Page 2 of" in html and 'rel="prev"' in html and 'rel="next"' in html


def test_an_htmx_request_gets_only_the_main_fragment_and_a_vary_header(redis_url, chain):
    r = make_shell(redis_url, chain.fragments).get("/products?q=linen", headers={"HX-Request": "true"})
    html = r.get_data(as_text=True)
    assert "<html" not in html and 'id="catalog"' in html and "Classic Linen Shirt" in html
    assert "HX-Request" in r.headers["Vary"]


def test_a_history_restore_gets_the_full_page(redis_url, chain):
    r = make_shell(redis_url, chain.fragments).get(
        "/products", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in r.get_data(as_text=True)


def test_a_dead_fragment_becomes_a_fallback_and_the_page_still_renders(redis_url, chain):
    dead = f"http://127.0.0.1:{free_port()}"
    r = make_shell(redis_url, {**chain.fragments, "cart": dead}).get("/")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert 'id="fallback-minicart"' in html and "Retry" in html
    assert 'id="featured"' in html


def test_a_slow_fragment_times_out_into_a_fallback(redis_url, chain):
    app = Flask(__name__)
    release = threading.Event()

    @app.get("/badge")
    def badge():
        release.wait(10)  # answers only once the page is in the test's hands: the page cannot have waited for it
        return "late"

    with serving(app) as slow:
        client = make_shell(redis_url, {**chain.fragments, "auth": slow}, timeout=0.3)
        client.set_cookie(ACCESS_COOKIE, "signed-in")  # signed out, the shell renders the badge without asking
        try:
            html = client.get("/").get_data(as_text=True)
        finally:
            release.set()
    assert 'id="fallback-account"' in html and 'id="featured"' in html


def test_an_unknown_product_is_a_404_page_inside_the_layout(redis_url, chain):
    r = make_shell(redis_url, chain.fragments).get("/products/no-such-thing")
    assert r.status_code == 404 and "site-header" in r.get_data(as_text=True)


def test_static_files_with_a_version_are_cached_for_a_year(redis_url, chain):
    r = make_shell(redis_url, chain.fragments).get("/static/css/site.css?v=abc")
    assert r.status_code == 200
    assert "max-age=31536000" in r.headers["Cache-Control"] and "immutable" in r.headers["Cache-Control"]


def test_the_first_visit_gets_a_csrf_cookie_that_the_page_already_uses(redis_url, chain):
    r = make_shell(redis_url, chain.fragments).get("/products/classic-linen-shirt")
    cookie = r.headers["Set-Cookie"]
    token = cookie.split("fm_csrf=")[1].split(";")[0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert f'name="csrf_token" value="{token}"' in r.get_data(as_text=True)


XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def test_a_search_for_markup_is_shown_as_text_never_run(redis_url, chain):
    html = make_shell(redis_url, chain.fragments).get("/products", query_string={"q": XSS}).get_data(as_text=True)
    assert "<script>alert(2)" not in html and 'onerror="alert' not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_a_product_named_with_markup_renders_escaped_everywhere(redis_url, chain, issuer):
    body = {
        "name": XSS,
        "description": XSS,
        "price": 100,
        "category": "testing",
        "sku": f"X-{time.time_ns()}",
        "featured": True,
    }
    made = requests.post(
        f"{chain.products}/api/products", json=body, headers=issuer.headers(role="admin"), timeout=5
    ).json()
    client = make_shell(redis_url, chain.fragments)
    for path in (f"/products/{made['id']}", "/products?category=testing", "/"):
        html = client.get(path).get_data(as_text=True)
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html, path
        assert "<script>alert(2)" not in html and 'onerror="alert' not in html, path


def test_every_page_has_exactly_one_box_named_search_products(redis_url, chain):
    shell_client = make_shell(redis_url, chain.fragments)
    for path in ("/", "/products", "/products?q=linen", "/products?min_price=cheap", "/login"):
        html = shell_client.get(path).get_data(as_text=True)
        assert html.count(">Search products</label>") == 1, path
    assert 'id="header-q"' not in shell_client.get("/products").get_data(as_text=True)  # the catalog's own box


def test_the_products_page_keeps_the_header_search_when_the_catalog_is_down(redis_url):
    dead = f"http://127.0.0.1:{free_port()}"
    urls = {"products": dead, "auth": dead, "cart": dead}
    html = make_shell(redis_url, urls, timeout=0.3).get("/products").get_data(as_text=True)
    assert 'id="fallback-main"' in html and html.count(">Search products</label>") == 1 and 'id="header-q"' in html


def test_a_page_past_the_last_is_a_404_that_names_the_last_page(redis_url, chain):
    r = make_shell(redis_url, chain.fragments).get("/products?page=99&per_page=10")
    html = r.get_data(as_text=True)
    assert r.status_code == 404 and "Page 99 of" not in html and "they end at page 3" in html


def test_a_search_with_no_results_suggests_what_to_try(redis_url, chain):
    html = make_shell(redis_url, chain.fragments).get("/products?q=zzzqqq").get_data(as_text=True)
    assert "No products match “zzzqqq”" in html and "fewer or more general words" in html
    assert 'href="/products">see all products</a>' in html


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/shipping", "Shipping"), ("/returns", "Free returns within 30 days"), ("/contact", "Contact us")],
)
def test_the_shipping_returns_and_contact_pages_exist_and_the_footer_links_them(redis_url, chain, path, heading):
    r = make_shell(redis_url, chain.fragments).get(path)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and f'<h1 id="info-title">{heading}</h1>' in html
    assert '<footer class="site-footer">' in html and f'href="{path}"' in html.split("site-footer")[1]


def test_the_favicon_is_served(redis_url, chain):
    r = make_shell(redis_url, chain.fragments).get("/favicon.ico")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml" and b"<svg" in r.data
    assert "Set-Cookie" not in r.headers
