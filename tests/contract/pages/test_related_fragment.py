""" "You may also like" composed by the shell under the product page and the cart, from the real products fragment,
gateway and products service; an optional slot, so its failure is a fallback and the page stays 200."""

from __future__ import annotations

import contextlib
import re
import threading

import pytest
import requests
from flask import Flask

import fragments.products
import gateway
import shell
from common.settings import SERVICE_PORTS
from services.products import create_app as create_products
from tests.support.servers import free_port, serving

REGION = re.compile(r'<section id="related".*?</section>', re.S)


@pytest.fixture(scope="module")
def frag_urls(redis_url, issuer):
    base = {"redis_url": redis_url, "run_workers": False}
    with contextlib.ExitStack() as stack:
        products = stack.enter_context(serving(create_products({**base, "service_urls": issuer.service_urls()})))
        dead = f"http://127.0.0.1:{free_port()}"
        urls = dict.fromkeys(SERVICE_PORTS, dead)
        gw = stack.enter_context(serving(gateway.create_app({**base, "service_urls": {**urls, "products": products}})))
        yield {"products": stack.enter_context(serving(fragments.products.create_app({**base, "gateway_url": gw})))}


def make_shell(redis_url, fragment_urls, timeout=1.0):
    dead = f"http://127.0.0.1:{free_port()}"
    urls = {n: dead for n in ("auth", "cart", "checkout", "profile")} | fragment_urls
    return shell.create_app({"redis_url": redis_url, "fragment_urls": urls, "fragment_timeout": timeout}).test_client()


def test_the_product_page_shows_you_may_also_like_with_four_other_products_of_its_category(redis_url, frag_urls):
    r = make_shell(redis_url, frag_urls).get("/products/ceramic-mug-set")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    region = REGION.search(html)
    assert region, "no related region"
    section = region.group(0)
    assert 'aria-labelledby="related-title"' in section and ">You may also like</h2>" in section
    links = re.findall(r'href="/products/([^"]+)"', section)
    assert len(links) == 4 and "ceramic-mug-set" not in links and "Bamboo Cutting Board" in section
    assert html.index('id="related"') > html.index('id="main"') and "hx-trigger" not in section


def test_the_related_fragment_is_the_same_for_everyone_and_cacheable(frag_urls):

    r = requests.get(f"{frag_urls['products']}/related/ceramic-mug-set", headers={"Cookie": "a=b"}, timeout=5)
    assert r.status_code == 200 and r.headers["Cache-Control"].startswith("public, max-age=")
    again = requests.get(
        f"{frag_urls['products']}/related/ceramic-mug-set", headers={"If-None-Match": r.headers["ETag"]}, timeout=5
    )
    assert again.status_code == 304


def test_an_unknown_product_is_a_404_page_with_no_related_region(redis_url, frag_urls):
    r = make_shell(redis_url, frag_urls).get("/products/no-such-thing")
    assert r.status_code == 404 and 'id="related"' not in r.get_data(as_text=True)


@pytest.mark.parametrize("failure", ["error", "slow"])
def test_a_failing_related_fragment_is_a_fallback_and_the_product_page_still_renders(redis_url, frag_urls, failure):
    app, release = Flask(__name__), threading.Event()

    @app.get("/detail/<product_id>")
    def detail(product_id):
        return f'<section id="product"><h1>{product_id}</h1></section>'

    @app.get("/related/<product_id>")
    def related(product_id):
        if failure == "slow":
            release.wait(10)
        return "broken", 500

    with serving(app) as url:
        try:
            r = make_shell(redis_url, {"products": url}, timeout=0.3).get("/products/ceramic-mug-set")
            html = r.get_data(as_text=True)
        finally:
            release.set()
    assert r.status_code == 200 and "<h1>ceramic-mug-set</h1>" in html
    assert 'id="fallback-related"' in html and "Retry" in html


def test_the_cart_of_a_browser_with_no_cart_shows_no_related_region_without_asking(redis_url):
    cart, products, asked = Flask("cart"), Flask("products"), []

    @cart.get("/page")
    def page():
        return '<section id="cart"><p class="empty">Your cart is empty.</p></section>'

    @products.get("/related-to-cart")
    def related():
        asked.append(1)
        return "should not be asked", 500

    with serving(cart) as cart_url, serving(products) as products_url:
        r = make_shell(redis_url, {"cart": cart_url, "products": products_url}).get("/cart")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Your cart is empty." in html
    assert 'id="related"' not in html and 'id="fallback-related"' not in html and not asked
