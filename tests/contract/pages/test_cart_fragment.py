"""The cart fragment app against a real gateway, orders, products and inventory: forms, cookies, HX-Trigger."""

from __future__ import annotations

import contextlib
import re

import pytest

import fragments.cart
import gateway
import services.inventory
import services.orders
import services.products
from fragments.cart.routes import back_after_add
from services.inventory.deps import deps as inventory_deps
from services.products.seed import seed_stock
from tests.support.servers import serving
from tests.support.tokens import token_issuer

# Products without options: 40 and 0 in stock; a cart line is named by its SKU.
SHIRT, SHIRT_SKU, JACKET = "ceramic-mug-set", "FM-KIT-009", "camping-lantern"
CSRF = "test-csrf-token"
HTMX = {"HX-Request": "true"}


@pytest.fixture(scope="module")
def fragment(redis_url):
    base = {"redis_url": redis_url, "run_workers": False}
    with token_issuer() as issuer, contextlib.ExitStack() as stack:
        urls = issuer.service_urls()
        products, inventory = services.products.create_app(base), services.inventory.create_app(base)
        for sku, product_id, units in seed_stock():
            inventory_deps(inventory).stock.ensure(sku, product_id, units)
        urls.update(products=stack.enter_context(serving(products)), inventory=stack.enter_context(serving(inventory)))
        urls["orders"] = stack.enter_context(serving(services.orders.create_app({**base, "service_urls": urls})))
        gw = stack.enter_context(serving(gateway.create_app({**base, "service_urls": urls})))
        yield fragments.cart.create_app({**base, "gateway_url": gw})


@pytest.fixture()
def browser(fragment):
    """A test client holding a browser's CSRF cookie (the shell would have set it)."""
    client = fragment.test_client()
    client.set_cookie("fm_csrf", CSRF)
    return client


def post(client, path, headers=None, **form):
    return client.post(path, data={"csrf_token": CSRF, **form}, headers=headers or {})


def cart_cookie(resp) -> str | None:
    found = [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("fm_cart=")]
    return found[0] if found else None


@pytest.mark.parametrize(
    "value, expected",
    [
        ("/products/abc", "/products/abc"),
        ("/products?q=a&page=2", "/products?q=a&page=2"),
        ("/", "/"),
        ("//evil.example/x", "/cart"),
        ("https://evil.example/", "/cart"),
        ("/\\evil.example", "/cart"),
        ("javascript:alert(1)", "/cart"),
        ("", "/cart"),
        (None, "/cart"),
        ("/x\r\nSet-Cookie: a=b", "/cart"),
        ("products", "/cart"),
    ],
)
def test_next_is_only_ever_a_path_on_this_site(value, expected):
    assert back_after_add(value) == expected


def test_a_post_without_the_csrf_token_is_refused(fragment):
    client = fragment.test_client()
    client.set_cookie("fm_csrf", CSRF)
    assert client.post("/add", data={"product_id": SHIRT, "quantity": "1"}).status_code == 403


def test_without_javascript_adding_redirects_back_and_keeps_the_new_guest_cart_in_a_cookie(browser):
    r = post(browser, "/add", product_id=SHIRT, quantity="2", next=f"/products/{SHIRT}")
    assert r.status_code == 303 and r.headers["Location"] == f"/products/{SHIRT}"
    cookie = cart_cookie(r)
    assert re.match(r"fm_cart=[0-9a-f]{32};", cookie)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert 'aria-label="Cart, 2 items"' in browser.get("/mini").get_data(as_text=True)
    again = post(browser, "/add", product_id=SHIRT, quantity="1", next="//evil.example")
    assert again.headers["Location"] == "/cart"
    assert cart_cookie(again).split(";")[0] == cookie.split(";")[0]  # the same cart, its cookie renewed


def test_without_javascript_the_chosen_size_and_colour_are_added_and_the_product_page_answers_for_them(browser):
    chosen = {"option:Size": "M", "option:Colour": "Navy"}
    r = post(
        browser, "/add", product_id="classic-linen-shirt", quantity="1", next="/products/classic-linen-shirt", **chosen
    )
    assert r.status_code == 303
    assert r.headers["Location"] == "/products/classic-linen-shirt?option%3ASize=M&option%3AColour=Navy"
    page = browser.get("/page").get_data(as_text=True)
    assert (
        "Classic Linen Shirt — M / Navy" in page and "/products/classic-linen-shirt?variant=FM-APP-001-M-NAVY" in page
    )


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Choose Size, Colour first"),
        ({"option:Size": "XL", "option:Colour": "Navy"}, "Classic Linen Shirt — XL / Navy is out of stock"),
        ({"option:Size": "XXL", "option:Colour": "Navy"}, "That choice is not sold"),
        ({"sku": "FM-KIT-009"}, "That choice is not sold"),
        ({"sku": '{"$ne": 1}'}, "That product is not available"),
        ({"option:Size": "M" * 31, "option:Colour": "Navy"}, "That product is not available"),
    ],
)
def test_a_choice_that_cannot_be_added_is_refused_with_its_reason(browser, form, message):
    r = post(browser, "/add", product_id="classic-linen-shirt", quantity="1", **form)
    assert r.status_code == 422 and message in r.get_data(as_text=True)
    assert 'aria-label="Cart, 0 items"' in browser.get("/mini").get_data(as_text=True) or not cart_cookie(r)


def test_with_htmx_adding_answers_a_status_line_and_tells_the_mini_cart(browser):
    r = post(browser, "/add", HTMX, product_id=SHIRT, quantity="1", next="/")
    assert r.status_code == 200 and r.headers["HX-Trigger"] == "cart-changed"
    assert "Added to your cart" in r.get_data(as_text=True) and cart_cookie(r)
    assert "HX-Request" in r.headers["Vary"]


@pytest.mark.parametrize(
    "form, message",
    [
        ({"product_id": JACKET, "quantity": "1"}, "Camping Lantern is out of stock"),
        ({"product_id": SHIRT, "quantity": "abc"}, "Choose a quantity from 1 to 99"),
        ({"product_id": SHIRT, "quantity": "-1"}, "Choose a quantity from 1 to 99"),
        ({"product_id": SHIRT, "quantity": "0"}, "Choose a quantity from 1 to 99"),
        ({"product_id": SHIRT, "quantity": "100"}, "Choose a quantity from 1 to 99"),
        ({"product_id": "../orders", "quantity": "1"}, "That product is not available"),
        ({"product_id": "no-such-product", "quantity": "1"}, "No such product"),
    ],
)
def test_a_refused_add_is_422_with_the_reason_and_changes_nothing(browser, form, message):
    for headers in (HTMX, {}):
        r = post(browser, "/add", headers, **form)
        assert r.status_code == 422 and message in r.get_data(as_text=True)
        assert "HX-Trigger" not in r.headers and cart_cookie(r) is None


def test_the_cart_page_lists_lines_with_steppers_and_a_checkout_button(browser):
    post(browser, "/add", product_id=SHIRT, quantity="2")
    html = browser.get("/page").get_data(as_text=True)
    assert 'id="cart"' in html and "Ceramic Mug Set" in html and "$64.00" in html
    assert 'aria-label="Increase quantity of Ceramic Mug Set"' in html and ">Checkout</button>" in html
    assert html.count('name="csrf_token"') == 5  # three stepper forms, remove, and the promo code


def test_changing_a_line_redirects_without_javascript_and_swaps_with_htmx(browser):
    post(browser, "/add", product_id=SHIRT, quantity="1")
    r = post(browser, f"/items/{SHIRT_SKU}", quantity="3")
    assert r.status_code == 303 and r.headers["Location"] == "/cart"
    r = post(browser, f"/items/{SHIRT_SKU}", HTMX, quantity="4")
    assert r.status_code == 200 and r.headers["HX-Trigger"] == "cart-changed"
    assert 'value="4"' in r.get_data(as_text=True)
    r = post(browser, f"/items/{SHIRT_SKU}", HTMX, quantity="41")
    assert r.status_code == 422 and "Only 40 available" in r.get_data(as_text=True)
    r = post(browser, f"/items/{SHIRT_SKU}/remove", HTMX)
    assert r.status_code == 200 and "Your cart is empty." in r.get_data(as_text=True)


@pytest.mark.parametrize(
    "path, form, message",
    [
        ("/items/not-in-cart/remove", {}, "That product is not in your cart"),
        ("/items/bad$id", {"quantity": "1"}, "That product is not in your cart"),
        (f"/items/{SHIRT_SKU}", {"quantity": "many"}, "Choose a quantity from 0 to 99"),
        (f"/items/{SHIRT_SKU}", {"quantity": "-2"}, "Choose a quantity from 0 to 99"),
    ],
)
def test_bad_line_changes_re_render_the_page_with_422_and_the_reason(browser, path, form, message):
    post(browser, "/add", product_id=SHIRT, quantity="1")
    r = post(browser, path, **form)
    assert r.status_code == 422 and message in r.get_data(as_text=True) and 'id="cart"' in r.get_data(as_text=True)


def test_the_cart_shows_its_breakdown_and_a_promo_code_is_applied_refused_beside_its_field_and_removed(browser):
    post(browser, "/add", product_id=SHIRT, quantity="2")
    html = browser.get("/page").get_data(as_text=True)
    assert "<dt>Subtotal</dt>" in html and "<dt>Delivery</dt>" in html and "<dt>Tax</dt>" in html
    assert "<dt>Total</dt>" in html and "Discount" not in html
    for code, says in (("NOSUCH", "does not exist"), ('{"$ne":1}', "Promo codes are letters"), ("", "Enter a promo")):
        for headers in (HTMX, {}):
            r = post(browser, "/promo", headers, promo_code=code)
            html = r.get_data(as_text=True)
            assert r.status_code == 422 and 'id="promo-code-error"' in html and says in html
    r = post(browser, "/promo", HTMX, promo_code="welcome10")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "WELCOME10 applied." in html and "Discount (WELCOME10)" in html
    assert "Discount (WELCOME10)" in browser.get("/page").get_data(as_text=True)
    assert post(browser, "/promo/remove").status_code == 303
    assert "Discount" not in browser.get("/page").get_data(as_text=True)
