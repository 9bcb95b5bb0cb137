"""A form applied twice is applied once: the same "Add to cart" submission twice in a row, twice at once, and
"Try again" after the shell gave up on a post the fragment then applied late, each add one item."""

from __future__ import annotations

import contextlib
import html
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
import requests

import fragments.cart
import gateway
import services.inventory
import services.orders
import services.products
import shell
from common.web.form_keys import PLACEHOLDER, fresh_keys
from services.inventory.deps import deps as inventory_deps
from services.products.seed import seed_stock
from tests.support.servers import free_port, serving
from tests.support.tokens import token_issuer

SHIRT, SHIRT_SKU = "ceramic-mug-set", "FM-KIT-009"  # one variant: its line is named by its SKU
CSRF = "test-csrf-token"
HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')


class Hung:
    """A fragment app that answers only after the shell has given up on it (as a stalled process would)."""

    def __init__(self, app, seconds: float):
        self.app, self.seconds, self.done = app, seconds, threading.Event()

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] != "/add":  # the page's header (the mini-cart) answers at once
            return self.app(environ, start_response)
        time.sleep(self.seconds)
        try:
            return list(self.app(environ, start_response))
        finally:
            self.done.set()


@pytest.fixture(scope="module")
def apps(redis_url):
    base = {"redis_url": redis_url, "run_workers": False}
    with token_issuer() as issuer, contextlib.ExitStack() as stack:
        urls = issuer.service_urls()
        products, inventory = services.products.create_app(base), services.inventory.create_app(base)
        for sku, product_id, units in seed_stock():
            inventory_deps(inventory).stock.ensure(sku, product_id, units)
        urls.update(products=stack.enter_context(serving(products)), inventory=stack.enter_context(serving(inventory)))
        urls["orders"] = stack.enter_context(serving(services.orders.create_app({**base, "service_urls": urls})))
        gw = stack.enter_context(serving(gateway.create_app({**base, "service_urls": urls})))
        cart = fragments.cart.create_app({**base, "gateway_url": gw})
        hung = Hung(cart.wsgi_app, 0.6)
        yield SimpleNamespace(
            cart=stack.enter_context(serving(cart)), hung=hung, hung_cart=stack.enter_context(serving(hung))
        )


@pytest.fixture(scope="module")
def cart_url(apps):
    return apps.cart


def add_form(key: str) -> dict:
    return {"csrf_token": CSRF, "form_key": key, "product_id": SHIRT, "quantity": "1", "next": "/cart"}


def quantity_in_cart(cart_url: str, cookies: dict) -> int:
    page = requests.get(f"{cart_url}/page", cookies=cookies, timeout=5).text
    found = re.search(rf'id="qty-{SHIRT_SKU}" name="quantity" type="number" min="0" max="99" value="(\d+)"', page)
    return int(found.group(1)) if found else 0


def test_each_rendered_form_gets_its_own_key():
    html_in = f'<input name="form_key" value="{PLACEHOLDER}"><input name="form_key" value="{PLACEHOLDER}">'
    keys = re.findall(r'value="([0-9a-f]{32})"', fresh_keys(html_in))
    assert len(keys) == 2 and keys[0] != keys[1] and PLACEHOLDER not in fresh_keys(html_in)
    typed = f'<input name="q" value="{PLACEHOLDER}">'  # a visitor's search for it stays as typed
    assert fresh_keys(typed) == typed


def test_the_same_submission_twice_in_a_row_adds_once_and_answers_the_same(cart_url):
    session = requests.Session()
    session.cookies.set("fm_csrf", CSRF)
    key = uuid.uuid4().hex
    first = session.post(f"{cart_url}/add", data=add_form(key), allow_redirects=False, timeout=5)
    again = session.post(f"{cart_url}/add", data=add_form(key), allow_redirects=False, timeout=5)
    assert first.status_code == again.status_code == 303 and again.headers["Location"] == "/cart"
    assert again.headers.get("Form-Key-Replayed") == "1"
    assert quantity_in_cart(cart_url, session.cookies.get_dict()) == 1
    other = session.post(f"{cart_url}/add", data=add_form(uuid.uuid4().hex), allow_redirects=False, timeout=5)
    assert other.status_code == 303 and quantity_in_cart(cart_url, session.cookies.get_dict()) == 2  # a new render


def test_a_double_click_sent_at_once_adds_once(cart_url):
    cookies = {"fm_csrf": CSRF}
    first = requests.post(f"{cart_url}/add", data=add_form(uuid.uuid4().hex), cookies=cookies, allow_redirects=False)
    cookies["fm_cart"] = first.cookies["fm_cart"]
    key = uuid.uuid4().hex
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(
                lambda _: requests.post(
                    f"{cart_url}/add", data=add_form(key), cookies=cookies, allow_redirects=False, timeout=10
                ),
                range(2),
            )
        )
    assert [a.status_code for a in answers] == [303, 303]
    assert quantity_in_cart(cart_url, cookies) == 2  # the first add, and this one once


def test_another_browser_with_the_same_key_gets_no_replay_of_someone_elses_answer(cart_url):
    key = uuid.uuid4().hex
    mine = requests.post(f"{cart_url}/add", data=add_form(key), cookies={"fm_csrf": CSRF}, allow_redirects=False)
    theirs = requests.post(
        f"{cart_url}/add",
        data={**add_form(key), "csrf_token": "their-token"},
        cookies={"fm_csrf": "their-token"},
        allow_redirects=False,
    )
    assert "Form-Key-Replayed" not in theirs.headers and theirs.cookies["fm_cart"] != mine.cookies["fm_cart"]


def test_try_again_after_a_timed_out_post_that_was_applied_late_adds_once(redis_url, apps, cart_url):
    dead = f"http://127.0.0.1:{free_port()}"
    urls = {name: dead for name in ("products", "auth", "checkout", "profile", "admin")}
    impatient = shell.create_app(
        {"redis_url": redis_url, "fragment_urls": {**urls, "cart": apps.hung_cart}, "fragment_timeout": 0.3}
    )
    patient = shell.create_app({"redis_url": redis_url, "fragment_urls": {**urls, "cart": cart_url}})
    started = requests.post(
        f"{cart_url}/add", data=add_form(uuid.uuid4().hex), cookies={"fm_csrf": CSRF}, allow_redirects=False
    )
    cookies = {"fm_csrf": CSRF, "fm_cart": started.cookies["fm_cart"]}  # one item in the cart already
    browser = impatient.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    timed_out = browser.post("/f/cart/add", data=add_form(uuid.uuid4().hex))
    page = timed_out.get_data(as_text=True)
    assert "It may still have" in page and "Try again" in page  # the shell gave up; the fragment goes on
    retry = {name: html.unescape(value) for name, value in HIDDEN.findall(page.split('id="fallback-main"')[1])}
    assert retry["form_key"] and retry["product_id"] == SHIRT

    again = patient.test_client()
    for name, value in cookies.items():
        again.set_cookie(name, value)
    answer = again.post("/f/cart/add", data=retry)  # "Try again": the same submission, key and all
    assert answer.status_code == 303 and answer.headers["Location"] == "/cart"
    assert apps.hung.done.wait(10), "the hung post never finished"
    assert quantity_in_cart(cart_url, cookies) == 2  # the first add, and the timed-out one once


def test_a_post_with_a_password_is_never_offered_again(redis_url, cart_url):
    dead = f"http://127.0.0.1:{free_port()}"
    urls = {name: dead for name in ("products", "cart", "checkout", "profile", "admin", "auth")}
    browser = shell.create_app({"redis_url": redis_url, "fragment_urls": urls}).test_client()
    browser.set_cookie("fm_csrf", CSRF)
    form = {"csrf_token": CSRF, "form_key": uuid.uuid4().hex, "email": "a@example.com", "password": "secret-pass-1"}
    page = browser.post("/f/auth/login", data=form).get_data(as_text=True)
    assert "It may still have" in page and "Try again" not in page and "secret-pass-1" not in page
