"""The shell's fragment cache against real fragment apps, a real gateway and products service: the ladder
live -> fresh -> revalidated (304) -> stale (products down) -> fallback, Vary, and the shared CSRF placeholder."""

from __future__ import annotations

import contextlib
import gc
import re
import threading
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from flask import render_template

import fragments.auth
import fragments.cart
import fragments.products
import gateway
import shell
from common.auth.session import ACCESS_COOKIE, CART_COOKIE
from common.settings import SERVICE_PORTS
from common.web.cacheable import CSRF_PLACEHOLDER
from devstack.probes import free_port
from services.products import create_app as create_products
from services.products.deps import deps as products_deps
from services.products.service import delete_product
from shell.deps import deps as shell_deps
from tests.support.servers import serving

SHIRT = "/products/classic-linen-shirt"
# A product page asks the products fragment twice: its detail and its "You may also like" (both shared).
SHIRT_SLOTS = 2


@pytest.fixture
def chain(redis_url, issuer):
    """products service <- gateway <- fragment apps, with `.stop_products()` to take the catalog down mid-test
    and `.hang.set()` to make the products service (so the gateway's answer) hang until the test ends."""
    base = {"redis_url": redis_url, "run_workers": False}
    hang, released = threading.Event(), threading.Event()
    products_app = create_products({**base, "service_urls": issuer.service_urls()})

    def hangable(environ, start_response):
        if hang.is_set():
            released.wait(10)
        return products_app(environ, start_response)

    with contextlib.ExitStack() as stack:
        # Last: the apps' circuit breakers (some left open here) leave the process's /metrics with the apps.
        stack.callback(gc.collect)
        stack.callback(released.set)
        products_stack = contextlib.ExitStack()
        products = products_stack.enter_context(serving(hangable))
        stack.callback(products_stack.close)
        gw = stack.enter_context(
            serving(gateway.create_app({**base, "service_urls": dict.fromkeys(SERVICE_PORTS, products)}))
        )
        frag = {**base, "gateway_url": gw}
        urls = {
            name: stack.enter_context(serving(module.create_app(frag)))
            for name, module in (("products", fragments.products), ("auth", fragments.auth), ("cart", fragments.cart))
        }
        yield SimpleNamespace(fragments=urls, stop_products=products_stack.close, hang=hang, products=products_app)


def make_shell(redis_url, fragment_urls, csrf="token-of-browser-a"):
    dead = f"http://127.0.0.1:{free_port()}"
    app = shell.create_app(
        {"redis_url": redis_url, "fragment_urls": {"checkout": dead, "profile": dead, **fragment_urls}}
    )
    client = app.test_client()
    client.set_cookie("fm_csrf", csrf)
    return client


def rungs(client) -> dict[str, float]:
    text = client.get("/metrics").get_data(as_text=True)
    return {
        f"{f}:{r}": float(v)
        for f, r, v in re.findall(r'^fragment_served_total\{fragment="(\w+)",rung="([\w-]+)"\} ([0-9.]+)$', text, re.M)
    }


def age_every_entry(client, seconds: float) -> None:
    """Time passes for the cache: every stored answer is `seconds` older than it was."""
    cache = shell_deps(client.application).fragments["products"].cache
    assert cache is not None, "the fragment cache is on in these tests"
    store: Any = cache.responses  # requests-cache's in-memory storage, a dict underneath
    for entry in store.data.values():
        entry.expires = (entry.expires or datetime.now(timezone.utc)) - timedelta(seconds=seconds)


def test_a_public_fragment_says_so_with_an_etag_and_a_matching_tag_gets_a_304_without_a_body(chain):
    url = f"{chain.fragments['products']}/featured"
    first = requests.get(url, timeout=5)
    cc = first.headers["Cache-Control"]
    assert "public" in cc and "max-age=2" in cc and "stale-while-revalidate=3" in cc and "stale-if-error=7200" in cc
    assert "HX-Request" in first.headers["Vary"] and "Cookie" not in first.headers["Vary"]
    again = requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=5)
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == first.headers["ETag"]


def test_personal_fragments_are_never_storable_by_a_shared_cache(chain):
    for fragment, path in (("cart", "/page"), ("auth", "/login")):
        r = requests.get(f"{chain.fragments[fragment]}{path}", timeout=5)
        assert r.headers["Cache-Control"] == "private, no-store", path
    # The header's regions may be kept by one shopper's own cache for a few seconds (shell/caching/per_session.py).
    for fragment, path in (("auth", "/badge"), ("cart", "/mini")):
        r = requests.get(f"{chain.fragments[fragment]}{path}", timeout=5)
        assert r.headers["Cache-Control"] == "private, max-age=10" and "Cookie" in r.headers["Vary"], path


def test_a_warm_cache_serves_the_main_slot_without_asking_the_fragment(redis_url, chain):
    client = make_shell(redis_url, chain.fragments)
    for _ in range(2):  # each page read to its end, as a browser does (a page may stream its header slots)
        page = client.get("/")
        assert page.status_code == 200 and "</html>" in page.get_data(as_text=True)
    counted = rungs(client)
    assert counted["products:live"] == 1 and counted["products:fresh"] == 1
    assert counted["auth:signed-out"] == 2 and "auth:live" not in counted  # no call for a guest's badge
    assert counted["cart:live"] == 2  # personal: asked every time, never stored


GUEST_REGIONS = (
    ("auth", "/badge/signed-out"),
    ("cart", "/mini/signed-out"),
)


def asked(fragment_url: str, endpoint: str) -> float:
    """How often a fragment app answered this endpoint with a 200, from its own /metrics."""
    text = requests.get(f"{fragment_url}/metrics", timeout=5).text
    pattern = rf'^http_requests_total\{{endpoint="{re.escape(endpoint)}",method="GET",status="200"\}} ([0-9.]+)$'
    found = re.search(pattern, text, re.M)
    return float(found[1]) if found else 0.0


def test_the_regions_of_a_browser_without_a_session_are_their_fragments_shared_answers(chain):
    for fragment, path in GUEST_REGIONS:
        url = f"{chain.fragments[fragment]}{path}"
        plain = requests.get(url, timeout=5)
        signed_in = requests.get(url, cookies={ACCESS_COOKIE: "x", CART_COOKIE: "y"}, timeout=5)
        assert "public" in plain.headers["Cache-Control"] and "stale-if-error" in plain.headers["Cache-Control"]
        assert "Cookie" not in plain.headers["Vary"] and plain.headers["ETag"], path
        assert signed_in.text == plain.text  # a shared view never sees the browser's cookies


def test_a_guests_page_asks_the_auth_fragment_for_its_badge_once_and_then_takes_it_from_the_cache(redis_url, chain):
    client = make_shell(redis_url, chain.fragments)
    with client.application.test_request_context():  # the bytes the shell rendered itself before
        badge = render_template("auth/_badge.html", user=None)
    pages = [client.get("/").get_data(as_text=True) for _ in range(3)]
    assert all(badge in page for page in pages)
    assert asked(chain.fragments["auth"], "/badge/signed-out") == 1
    assert asked(chain.fragments["auth"], "/badge") == 0
    assert rungs(client)["auth:signed-out"] == 3


def test_a_shared_product_page_carries_each_browsers_own_csrf_token(redis_url, chain):
    assert CSRF_PLACEHOLDER in requests.get(f"{chain.fragments['products']}/detail/classic-linen-shirt", timeout=5).text
    client = make_shell(redis_url, chain.fragments, csrf="token-of-browser-a")
    a = client.get(SHIRT).get_data(as_text=True)
    client.set_cookie("fm_csrf", "token-of-browser-b")
    b = client.get(SHIRT).get_data(as_text=True)
    assert 'value="token-of-browser-a"' in a and "token-of-browser-b" not in a
    assert 'value="token-of-browser-b"' in b and "token-of-browser-a" not in b
    assert CSRF_PLACEHOLDER not in a + b and rungs(client)["products:fresh"] == SHIRT_SLOTS


def test_the_placeholder_typed_by_a_visitor_is_never_swapped_for_their_token(redis_url, chain):
    client = make_shell(redis_url, chain.fragments, csrf="token-of-browser-a")
    html = client.get(f"/products?q={CSRF_PLACEHOLDER}").get_data(as_text=True)
    own = ('name="csrf_token" value="token-of-browser-a"', '"X-CSRF-Token": "token-of-browser-a"')
    assert "token-of-browser-a" not in html.replace(own[0], "").replace(own[1], "")
    assert f'value="{CSRF_PLACEHOLDER}"' in html  # the search box shows what was typed


FORM_KEY = re.compile(r'name="form_key" value="[0-9a-f]{32}"')


def test_an_expired_entry_is_revalidated_with_a_304_and_the_stored_copy_served(redis_url, chain):
    client = make_shell(redis_url, chain.fragments)
    first = client.get(SHIRT).get_data(as_text=True)
    age_every_entry(client, 60)  # past max-age and stale-while-revalidate: the shell must ask before serving
    again = client.get(SHIRT).get_data(as_text=True)
    assert FORM_KEY.sub("", again) == FORM_KEY.sub("", first)  # the same page, with a form key of its own
    assert FORM_KEY.findall(again) != FORM_KEY.findall(first)
    assert rungs(client)["products:revalidated"] == SHIRT_SLOTS
    fragment_metrics = requests.get(f"{chain.fragments['products']}/metrics", timeout=5).text
    assert re.search(
        r'http_requests_total\{endpoint="/detail/<product_id>",method="GET",status="304"\} 1\.0', fragment_metrics
    ), fragment_metrics


def test_inside_stale_while_revalidate_the_stored_copy_is_served_and_refreshed_behind(redis_url, chain):
    client = make_shell(redis_url, chain.fragments)
    client.get("/")
    age_every_entry(client, 3)  # past max-age=2, inside stale-while-revalidate=3
    assert 'id="featured"' in client.get("/").get_data(as_text=True)
    assert rungs(client)["products:stale-while-revalidate"] == 1


def test_with_products_down_pages_seen_before_are_served_from_the_cache_and_unseen_ones_fall_back(redis_url, chain):
    client = make_shell(redis_url, chain.fragments)
    seen = ("/", "/products", SHIRT)
    before = {path: client.get(path).get_data(as_text=True) for path in seen}
    chain.stop_products()
    age_every_entry(client, 3600)  # an hour later, long past max-age, inside stale-if-error
    for path in seen:
        r = client.get(path)
        assert r.status_code == 200 and FORM_KEY.sub("", r.get_data(as_text=True)) == FORM_KEY.sub("", before[path])
    assert rungs(client)["products:stale-if-error"] == 2 + SHIRT_SLOTS
    cold = client.get("/products/never-seen-before")
    assert cold.status_code == 503 and 'id="fallback-main"' in cold.get_data(as_text=True)


def test_with_the_gateway_hung_a_page_seen_before_is_served_from_the_cache(redis_url, chain):
    client = make_shell(redis_url, chain.fragments)
    before = client.get(SHIRT).get_data(as_text=True)
    chain.hang.set()
    age_every_entry(client, 3600)  # long past max-age, inside stale-if-error: the shell must ask, and waits
    # On a loaded machine the fragment's own timeout fires after the page's deadline: here it always does.
    shell_deps(client.application).fragments["products"].timeout = 5.0
    r = client.get(SHIRT)
    assert r.status_code == 200 and FORM_KEY.sub("", r.get_data(as_text=True)) == FORM_KEY.sub("", before)
    assert rungs(client)["products:stale-if-error"] == SHIRT_SLOTS


def test_a_deleted_product_is_purged_and_never_comes_back_from_stale_if_error(redis_url, chain):
    client = make_shell(redis_url, chain.fragments)
    assert client.get(SHIRT).status_code == 200
    with chain.products.app_context():
        products = products_deps(chain.products)
        delete_product(products.repo, products.cache, "classic-linen-shirt")
    age_every_entry(client, 10)  # past max-age and stale-while-revalidate: the next visit asks
    assert client.get(SHIRT).status_code == 404
    chain.stop_products()
    age_every_entry(client, 60)
    gone = client.get(SHIRT)
    assert gone.status_code == 503 and "Add to cart" not in gone.get_data(as_text=True)


def test_past_stale_if_error_a_down_catalog_is_the_fallback(redis_url, chain):
    client = make_shell(redis_url, chain.fragments)
    client.get(SHIRT)
    chain.stop_products()
    age_every_entry(client, 7200 + 60)
    assert client.get(SHIRT).status_code == 503


def test_vary_hx_request_keeps_the_htmx_fragment_and_the_full_page_apart(redis_url, chain):
    client = make_shell(redis_url, chain.fragments)
    htmx = {"HX-Request": "true", "HX-Target": "results"}
    for _ in range(2):  # each answer stored once, then served from the store: never the other one
        swap = client.get("/products?q=linen", headers=htmx).get_data(as_text=True)
        page = client.get("/products?q=linen").get_data(as_text=True)
        assert swap.lstrip().startswith('<div id="results"') and "<html" not in swap and 'id="catalog"' not in swap
        assert page.startswith("<!doctype html>") and 'id="catalog"' in page
    assert rungs(client)["products:fresh"] == 2
