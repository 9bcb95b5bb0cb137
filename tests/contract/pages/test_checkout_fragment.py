"""The checkout and order-history fragments against live services: every step, with and without htmx."""

from __future__ import annotations

import re
import uuid

import pytest
import redis
import requests

import fragments.checkout
import fragments.profile
from common.auth.session import CART_COOKIE
from common.messaging.events import make_event
from common.messaging.messages import OrderCancelled, PaymentRequest, StockReserved
from common.web.csrf import CSRF_COOKIE
from services.inventory.deps import deps as inventory_deps
from services.orders.consumers import handlers
from services.orders.deps import deps as orders_deps
from services.payments import service as payments
from services.payments.deps import deps as payments_deps
from services.products.deps import deps as products_deps
from tests.support.accounts_apps import bearer, new_user
from tests.support.checkout_apps import fill_cart, serve_shop

CSRF = "csrf-" + "c" * 30
ADDRESS = {
    "address_id": "new",
    "name": "Ada Lovelace",
    "line1": "12 Analytical Row",
    "city": "London",
    "postal_code": "N1 9GU",
    "country": "GB",
}
CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12/34", "cvc": "123"}
PAYING = re.compile(r"/checkout/pay\?order=([0-9a-f]{32})")


@pytest.fixture(autouse=True)
def no_saga_wait(monkeypatch):
    """No saga runs here (tests move it by hand), so "Place order" does not wait for the stock to be held."""
    monkeypatch.setattr(fragments.checkout.client, "READY_WAIT", 0.0)


@pytest.fixture(scope="module")
def shop(redis_url, tmp_path_factory):
    with serve_shop(redis_url, str(tmp_path_factory.mktemp("keys"))) as shop:
        yield shop


@pytest.fixture(scope="module")
def checkout_app(shop, redis_url):
    return fragments.checkout.create_app({"redis_url": redis_url, "gateway_url": shop.gateway})


@pytest.fixture(scope="module")
def profile_app(shop, redis_url):
    return fragments.profile.create_app({"redis_url": redis_url, "gateway_url": shop.gateway})


@pytest.fixture()
def user(shop):
    return new_user(shop.gateway)


def browser(app, user=None):
    c = app.test_client()
    c.set_cookie(CSRF_COOKIE, CSRF)
    if user:
        c.set_cookie("access_token_cookie", user["access_token"])
    return c


def post(client, path, htmx=False, **form):
    return client.post(path, data={"csrf_token": CSRF, **form}, headers={"HX-Request": "true"} if htmx else {})


def text(resp) -> str:
    return resp.get_data(as_text=True)


def saga(shop, order_id, *events):
    """The orders service's consumers, handed the events as the broker would (with its cart, as in the service)."""
    on = handlers(orders_deps(shop.orders).repo, None, orders_deps(shop.orders).cart)
    for type_, data in events:
        on[type_](make_event(type_, {"order_id": order_id, **data}, "test"))


def held(shop, order_id):
    """Inventory held the order's stock: orders and payments hear stock.reserved, as their consumers would."""
    order = orders_deps(shop.orders).repo.get(order_id)
    saga(shop, order_id, ("stock.reserved", {}))
    reserved = StockReserved(
        order_id=order_id,
        user_id=order["user_id"],
        email=order["email"],
        payment=PaymentRequest(amount=order["total"], currency=order["currency"]),
    )
    payments.open_payment(payments_deps(shop.payments).charges, payments_deps(shop.payments).provider, reserved)


def order_of(placed) -> str:
    found = PAYING.fullmatch(placed.headers.get("Location") or placed.headers["HX-Redirect"])
    assert found, placed.headers
    return found.group(1)


def checked_out(shop, checkout_app, user) -> tuple:
    """Walk every step without htmx; returns (browser, the place-order response, its key). No saga runs, so
    "Place order" sends the shopper to /checkout/pay, which goes on to the provider once the stock is held."""
    fill_cart(shop, user, ("fountain-pen", 2))
    c = browser(checkout_app, user)
    assert c.get("/start").status_code == 200
    assert post(c, "/address", **ADDRESS).headers["Location"] == "/checkout/delivery"
    assert post(c, "/delivery", delivery_option="express").headers["Location"] == "/checkout/review"
    found = re.search(r'name="idempotency_key" value="([^"]+)"', text(c.get("/review")))
    assert found, "the review step carries the order's Idempotency-Key"
    return c, post(c, "/place", idempotency_key=found.group(1)), found.group(1)


def guest_browser(shop, app, *lines: tuple[str, int]):
    """A browser without an account whose guest cart (the fm_cart cookie) holds `lines`."""
    c, cart_id = browser(app), None
    for product_id, quantity in lines:
        product = products_deps(shop.products).repo.get(product_id)
        assert product is not None, product_id
        inventory_deps(shop.inventory).stock.set_available(product["sku"], 50)
        r = requests.post(
            f"{shop.gateway}/api/cart/items",
            json={"product_id": product_id, "quantity": quantity},
            headers={"X-Cart-Id": cart_id} if cart_id else {},
            timeout=10,
        )
        cart_id = r.json()["cart_id"]
    c.set_cookie(CART_COOKIE, cart_id)
    return c


def test_signed_out_checkout_offers_sign_in_or_continue_as_guest(shop, checkout_app):
    r = browser(checkout_app).get("/start")
    assert r.status_code == 200 and "Your cart is empty" in text(r)
    c = guest_browser(shop, checkout_app, ("fountain-pen", 1))
    html = text(c.get("/start"))
    assert "/login?next=/checkout" in html and ">Sign in</a>" in html
    assert ">Email</label>" in html and "Continue as guest</button>" in html
    r = post(c, "/address", **ADDRESS)  # no session and no guest email yet: nowhere to go but the choice
    assert r.status_code == 303 and r.headers["Location"] == "/login?next=/checkout"


@pytest.mark.parametrize(
    "email, message",
    [
        ("", "Enter your email address."),
        ("ada@", "Enter an email address like name@example.com."),
        ("<script>alert(1)</script>", "Enter an email address like name@example.com."),
    ],
)
def test_a_guests_email_is_checked_beside_the_field(shop, checkout_app, email, message):
    c = guest_browser(shop, checkout_app, ("fountain-pen", 1))
    for htmx in (False, True):
        r = post(c, "/guest", htmx=htmx, email=email)
        html = text(r)
        assert r.status_code == 422 and 'id="f-email-error"' in html and message in html
        assert "<script>alert" not in html


def test_a_guest_checks_out_pays_and_gets_to_their_order_by_its_link(shop, checkout_app):
    c = guest_browser(shop, checkout_app, ("fountain-pen", 2))
    r = post(c, "/guest", email="Ada.Guest@Example.com")
    assert r.status_code == 303 and r.headers["Location"] == "/checkout"
    html = text(c.get("/start"))
    assert "Use a saved address" not in html and ">Name</label>" in html  # a guest has no address book
    assert post(c, "/address", **ADDRESS).headers["Location"] == "/checkout/delivery"
    assert post(c, "/delivery", delivery_option="express").headers["Location"] == "/checkout/review"
    key = re.search(r'name="idempotency_key" value="([^"]+)"', text(c.get("/review"))).group(1)
    placed = post(c, "/place", idempotency_key=key)
    order_id = order_of(placed)
    order = orders_deps(shop.orders).repo.get(order_id)
    assert order["user_id"] is None and order["email"] == "ada.guest@example.com"
    assert post(c, "/place", idempotency_key=key).status_code == 303  # a second click: the same order
    assert orders_deps(shop.orders).repo.orders.count_documents({"email": "ada.guest@example.com"}) == 1
    held(shop, order_id)
    page = post(c, "/pay", order_id=order_id)
    assert page.status_code == 303 and "/c/pay/" in page.headers["Location"]  # the provider's page
    back = c.get(f"/return/{order_id}")
    link = re.search(r'href="/orders/link/([A-Za-z0-9_.-]+)"', text(back))
    assert back.status_code == 200 and link, "the return page leads to the order by its signed link"
    for words in ("ada.guest@example.com", "Fountain Pen", "12 Analytical Row"):  # the email, items and address
        assert words in text(back), words
    confirmed = text(c.get(f"/confirmation/{order_id}"))
    assert "We've emailed you a confirmation at <strong>ada.guest@example.com</strong>" in confirmed
    assert (
        "Fountain Pen" in confirmed
        and "12 Analytical Row" in confirmed
        and f"/orders/link/{link.group(1)}" in confirmed
    )
    assert requests.get(f"{shop.gateway}/api/orders/link/{link.group(1)}", timeout=5).json()["id"] == order_id
    assert c.get("/review").headers["Location"] == f"/orders/link/{link.group(1)}"  # back after ordering


def test_an_empty_cart_has_nothing_to_check_out(checkout_app, user):
    assert "Your cart is empty" in text(browser(checkout_app, user).get("/start"))


def test_the_address_step_shows_every_field_and_each_error_beside_its_field(shop, checkout_app, user):
    fill_cart(shop, user, ("fountain-pen", 1))
    c = browser(checkout_app, user)
    html = text(c.get("/start"))
    for label in ("Name", "Address", "City", "Postal code", "Country"):
        assert f">{label}</label>" in html
    r = post(c, "/address", **{**ADDRESS, "city": "", "postal_code": "<b>"})
    html = text(r)
    assert r.status_code == 422 and 'id="f-city-error"' in html and "Enter the city." in html
    assert "Use letters, digits, spaces and dashes only." in html and 'value="Ada Lovelace"' in html


def test_an_address_typed_at_checkout_can_be_saved_in_the_profile(shop, checkout_app, user):
    fill_cart(shop, user, ("fountain-pen", 1))
    c = browser(checkout_app, user)
    c.get("/start")
    typed = {**ADDRESS, "country": "gb"}
    assert post(c, "/address", **typed).headers["Location"] == "/checkout/delivery"
    fields = {k: v for k, v in typed.items() if k != "address_id"}
    r = requests.post(f"{shop.gateway}/api/users/me/addresses", json=fields, headers=bearer(user), timeout=5)
    assert r.status_code == 201 and r.json()["country"] == "GB"


def test_a_country_name_is_refused_at_checkout_as_in_the_profile(shop, checkout_app, user):
    fill_cart(shop, user, ("fountain-pen", 1))
    c = browser(checkout_app, user)
    c.get("/start")
    r = post(c, "/address", **{**ADDRESS, "country": "United Kingdom"})
    assert r.status_code == 422 and "Choose a country from the list." in text(r)
    assert 'aria-describedby="f-country-error"' in text(r)


def test_the_country_is_a_list_of_names_valued_by_code_that_autofill_can_fill(shop, checkout_app, user):
    fill_cart(shop, user, ("fountain-pen", 1))
    html = text(browser(checkout_app, user).get("/start"))
    assert '<select id="f-country" name="country" autocomplete="country"' in html
    assert '<option value="GB">United Kingdom</option>' in html and '<option value="DE">Germany</option>' in html


def test_a_saved_address_can_be_picked(shop, checkout_app, user):
    fill_cart(shop, user, ("fountain-pen", 1))
    saved = {k: v for k, v in ADDRESS.items() if k != "address_id"}
    requests.post(f"{shop.gateway}/api/users/me/addresses", json=saved, headers=bearer(user), timeout=5)
    address_id = requests.get(f"{shop.gateway}/api/users/me/addresses", headers=bearer(user), timeout=5).json()[
        "items"
    ][0]["id"]
    c = browser(checkout_app, user)
    html = text(c.get("/start"))
    assert "Use a saved address" in html
    assert f'value="{address_id}" checked' in html  # picked already: one click to go on
    assert post(c, "/address", address_id=address_id).headers["Location"] == "/checkout/delivery"
    assert post(c, "/address", address_id=uuid.uuid4().hex).status_code == 422


def test_with_htmx_each_step_swaps_in_place_and_pushes_its_url(shop, checkout_app, user):
    fill_cart(shop, user, ("fountain-pen", 1))
    c = browser(checkout_app, user)
    c.get("/start")
    r = post(c, "/address", htmx=True, **ADDRESS)
    assert r.status_code == 200 and r.headers["HX-Push-Url"] == "/checkout/delivery"
    assert 'id="checkout"' in text(r) and "<legend><h2>Delivery</h2></legend>" in text(r)
    r = post(c, "/delivery", htmx=True, delivery_option="standard")
    assert r.status_code == 200 and r.headers["HX-Push-Url"] == "/checkout/review"
    assert "Place order" in text(r) and "payment provider" in text(r)


def test_the_delivery_step_offers_the_options_serving_the_country_and_the_review_adds_up(shop, checkout_app, user):
    fill_cart(shop, user, ("fountain-pen", 2))  # 2 x $42.00 with UK VAT included: Standard is free over $75
    c = browser(checkout_app, user)
    c.get("/start")
    post(c, "/address", **ADDRESS)
    html = text(c.get("/delivery"))
    assert html.count('type="radio" name="delivery_option"') == 2
    assert re.search(r"Standard</span>\s*<span class=\"delivery-price\">Free", html)
    assert re.search(r"Express</span>\s*<span class=\"delivery-price\"><span class=\"price\">\$12.00", html)
    for bad in ("", "teleport", '{"$ne": ""}'):
        refused = post(c, "/delivery", delivery_option=bad)
        assert refused.status_code == 422 and 'id="delivery-error"' in text(refused)
        assert "Choose a delivery option." in text(refused)
    assert c.get("/review").headers["Location"] == "/checkout/delivery"  # the review waits for a choice
    post(c, "/delivery", delivery_option="express")
    review = text(c.get("/review"))
    for label in ("Subtotal", "Delivery", "Tax (included)", "Total"):
        assert f"<dt>{label}</dt>" in review, label
    assert "$96.00" in review  # $84.00 of goods and $12.00 Express, UK VAT inside both
    found = re.search(r'name="idempotency_key" value="([^"]+)"', review)
    assert found
    order_id = order_of(post(c, "/place", idempotency_key=found.group(1)))
    order = orders_deps(shop.orders).repo.get(order_id)
    assert order["total"] == 9600 and order["breakdown"]["delivery_option"]["id"] == "express"


@pytest.mark.parametrize("htmx", [False, True], ids=["nojs", "htmx"])
def test_a_promo_code_applies_at_the_review_and_a_wrong_one_says_why_beside_the_field(shop, checkout_app, user, htmx):
    fill_cart(shop, user, ("fountain-pen", 2))  # $84.00: WELCOME10 (10 % off over $30) takes $8.40
    c = browser(checkout_app, user)
    c.get("/start")
    post(c, "/address", **ADDRESS)
    post(c, "/delivery", delivery_option="express")
    review = text(c.get("/review"))
    assert '<label for="promo-code">Promo code</label>' in review and ">Apply</button>" in review
    for typed, words in (
        ("", "Enter a promo code."),
        ("NOPE-NOT-A-CODE", "NOPE-NOT-A-CODE"),
        ("<script>x</script>", "Promo codes are letters, digits, dashes and underscores"),
        ('{"$ne": ""}', "Promo codes are letters, digits, dashes and underscores"),
    ):
        refused = post(c, "/promo", htmx=htmx, promo_code=typed)
        html = text(refused)
        assert refused.status_code == 422 and 'id="promo-code-error"' in html and words in html, html
        assert "<script>x" not in html and "Place order" in html  # the review, re-rendered with the reason
    applied = post(c, "/promo", htmx=htmx, promo_code="welcome10")
    if htmx:
        assert applied.status_code == 200 and applied.headers["HX-Push-Url"] == "/checkout/review"
    else:
        assert applied.status_code == 303 and applied.headers["Location"] == "/checkout/review"
    review = text(c.get("/review"))
    assert "<dt>Discount (WELCOME10)</dt>" in review and "WELCOME10 applied." in review and "$87.60" in review
    post(c, "/promo/remove")
    assert "Discount" not in text(c.get("/review"))


def test_an_address_no_option_serves_says_so_with_the_way_back(shop, checkout_app, user):
    fill_cart(shop, user, ("fountain-pen", 1))
    c = browser(checkout_app, user)
    c.get("/start")
    post(c, "/address", **{**ADDRESS, "country": "JP", "postal_code": "100-0001"})
    html = text(c.get("/delivery"))
    assert "We don't deliver to this address's country yet." in html and 'href="/checkout"' in html
    assert post(c, "/delivery", delivery_option="standard").status_code == 422


def test_the_checkout_never_asks_for_a_card_and_a_card_posted_to_it_goes_nowhere(shop, checkout_app, user, redis_url):
    fill_cart(shop, user, ("fountain-pen", 1))
    c = browser(checkout_app, user)
    pages = [text(c.get("/start")), text(post(c, "/address", htmx=True, **ADDRESS))]
    pages += [text(post(c, "/delivery", htmx=True, delivery_option="standard")), text(c.get("/review"))]
    assert not any("Card number" in page or "cc-number" in page for page in pages)
    assert c.get("/payment").headers["Location"] == "/checkout/review"  # an old link to the card step
    assert post(c, "/payment", **CARD).status_code == 405  # nothing here takes a card
    store = redis.Redis.from_url(redis_url, decode_responses=True)
    drafts = [store.get(k) for k in store.scan_iter("checkout:draft:*")]
    assert drafts and not any("4242" in d for d in drafts)


def test_placing_the_order_sends_the_shopper_to_pay_and_a_second_click_finds_the_same_order(shop, checkout_app, user):
    c, placed, key = checked_out(shop, checkout_app, user)
    assert placed.status_code == 303
    order_id = order_of(placed)  # not held yet: on the way to pay, waiting for it
    assert orders_deps(shop.orders).repo.orders.count_documents({"user_id": user["id"]}) == 1
    assert cart_lines(shop, user) == [("fountain-pen", 2)]  # the cart stays until the order is paid
    held(shop, order_id)
    again = post(c, "/place", idempotency_key=key)  # held now: off to the provider's page
    page = again.headers["Location"]
    assert again.status_code == 303 and page.startswith(f"{shop.provider.url}/c/pay/cs_")
    assert orders_deps(shop.orders).repo.orders.count_documents({"user_id": user["id"]}) == 1
    htmx = post(c, "/place", htmx=True, idempotency_key=key)
    assert htmx.headers["HX-Redirect"] == page  # one checkout per order, however often asked
    pay_now = post(c, "/pay", order_id=order_id)
    assert pay_now.headers["Location"] == page


def cart_lines(shop, user) -> list[tuple[str, int]]:
    items = requests.get(f"{shop.gateway}/api/cart", headers=bearer(user), timeout=5).json()["items"]
    return [(i["product_id"], i["quantity"]) for i in items]


def test_the_cart_is_kept_until_the_order_is_confirmed_and_then_only_its_lines_leave(shop, checkout_app, user):
    c, placed, _ = checked_out(shop, checkout_app, user)
    order_id = order_of(placed)
    waiting = text(c.get("/start"))  # back to the checkout while the order waits: no second order of the same cart
    assert "Your order is waiting for payment" in waiting and f'href="/checkout/pay?order={order_id}"' in waiting
    fill_cart(shop, user, ("desk-organiser", 1))  # added meanwhile: stays after the order is paid
    saga(shop, order_id, ("stock.reserved", {}), ("payment.succeeded", {}))
    assert cart_lines(shop, user) == [("desk-organiser", 1)]
    saga(shop, order_id, ("payment.succeeded", {}))  # a replay takes nothing more
    assert cart_lines(shop, user) == [("desk-organiser", 1)]


def test_a_rejected_order_leaves_the_cart_and_the_address_for_another_try(shop, checkout_app, user):
    c, placed, _ = checked_out(shop, checkout_app, user)
    order_id = order_of(placed)
    saga(shop, order_id, ("stock.rejected", {"skus": ["FM-STA-022"]}))
    html = text(c.get(f"/pay/{order_id}"))
    assert "Out of stock" in html and 'href="/cart"' in html
    assert cart_lines(shop, user) == [("fountain-pen", 2)]
    again = text(c.get("/start"))  # a new attempt, the address kept
    assert "12 Analytical Row" in again and "Your order is waiting" not in again


def test_on_the_way_to_pay_the_page_waits_for_the_stock_then_goes_to_the_provider(shop, checkout_app, user):
    c, placed, _ = checked_out(shop, checkout_app, user)
    order_id = order_of(placed)
    waiting = c.get(f"/pay/{order_id}")
    html = text(waiting)
    assert waiting.status_code == 200 and "Reserving your items" in html
    assert f'hx-get="/f/checkout/pay/{order_id}"' in html and '<noscript><meta http-equiv="refresh"' in html
    held(shop, order_id)
    page = c.get(f"/pay/{order_id}").headers["Location"]
    assert page.startswith(f"{shop.provider.url}/c/pay/cs_")
    polled = browser(checkout_app, user).get(f"/pay/{order_id}", headers={"HX-Request": "true"})
    assert polled.headers["HX-Redirect"] == page


def test_back_from_the_provider_to_the_waiting_page_shows_the_order_not_the_provider_again(shop, checkout_app, user):
    c, placed, _ = checked_out(shop, checkout_app, user)
    order_id = order_of(placed)
    assert "Reserving your items" in text(c.get(f"/pay/{order_id}"))
    held(shop, order_id)
    polled = c.get(f"/pay/{order_id}", headers={"HX-Request": "true"})  # the waiting region's poll goes on to pay
    assert polled.headers["HX-Redirect"].startswith(f"{shop.provider.url}/c/pay/cs_")
    back = c.get(f"/pay/{order_id}")  # Back from the provider's page loads the waiting page again
    assert back.status_code == 303 and back.headers["Location"] == f"/orders/{order_id}"
    restored = c.get(f"/pay/{order_id}", headers={"HX-Request": "true"})  # or restores it, and its poll resumes
    assert restored.headers["HX-Redirect"] == f"/orders/{order_id}"


def test_an_order_rejected_on_the_way_to_pay_says_why_and_stops_waiting(shop, checkout_app, user):
    c, placed, _ = checked_out(shop, checkout_app, user)
    order_id = order_of(placed)
    saga(shop, order_id, ("stock.rejected", {"skus": ["FM-STA-022"]}))
    html = text(c.get(f"/pay/{order_id}"))
    assert "Cancelled" in html and "Out of stock" in html and "hx-trigger" not in html and "refresh" not in html


def test_the_status_page_polls_until_confirmed_and_refreshes_without_js(shop, checkout_app, user):
    c, placed, _ = checked_out(shop, checkout_app, user)
    order_id = order_of(placed)
    html = text(c.get(f"/confirmation/{order_id}"))
    assert "Processing" in html and 'hx-trigger="every 1s"' in html
    assert '<noscript><meta http-equiv="refresh"' in html
    saga(shop, order_id, ("stock.reserved", {}), ("payment.succeeded", {}))
    html = text(c.get(f"/confirmation/{order_id}/status"))
    assert "Confirmed" in html and "hx-trigger" not in html and "refresh" not in html


def test_the_return_page_waits_for_the_providers_word_and_never_confirms_by_itself(shop, checkout_app, user):
    c, placed, _ = checked_out(shop, checkout_app, user)
    order_id = order_of(placed)
    held(shop, order_id)
    html = text(c.get(f"/return/{order_id}"))  # back from the provider without having paid
    assert "Awaiting payment" in html and 'hx-trigger="every 1s"' in html
    assert orders_deps(shop.orders).repo.get(order_id)["status"] == "AWAITING_PAYMENT"


def test_a_shopper_who_left_the_providers_page_can_try_another_card(shop, checkout_app, user):
    c, placed, _ = checked_out(shop, checkout_app, user)
    order_id = order_of(placed)
    held(shop, order_id)
    page = post(c, "/pay", order_id=order_id).headers["Location"]
    html = text(c.get(f"/return/{order_id}?left=1"))
    assert f'href="{page}"' in html and "Try another card" in html and ">Pay now</button>" in html
    assert "no money was taken" in html and "hx-trigger" not in html  # it waits for the shopper, not the saga
    saga(shop, order_id, ("stock.released", {"reason": "reservation_expired"}))
    ended = OrderCancelled(order_id=order_id, user_id=user["id"], total=1)  # what payments hears next
    payments.cancel(payments_deps(shop.payments).charges, payments_deps(shop.payments).provider, ended)
    html = text(c.get(f"/return/{order_id}?left=1"))
    assert "Cancelled" in html and "Reservation expired before payment" in html and "Try another card" not in html
    refused = post(c, "/pay", order_id=order_id)
    assert refused.status_code == 409 and "This order can no longer be paid." in text(refused)


def test_out_of_stock_shows_cancelled_with_the_reason(shop, checkout_app, user):
    c, placed, _ = checked_out(shop, checkout_app, user)
    order_id = order_of(placed)
    saga(shop, order_id, ("stock.rejected", {"skus": ["FM-STA-022"]}))
    html = text(c.get(f"/confirmation/{order_id}"))
    assert "Cancelled" in html and "Out of stock" in html


def test_order_history_lists_shows_and_cancels_the_shoppers_own_orders(shop, checkout_app, profile_app, user):
    _, placed, _ = checked_out(shop, checkout_app, user)
    order_id = order_of(placed)
    held(shop, order_id)
    p = browser(profile_app, user)
    assert ">Pay now</button>" in text(p.get(f"/orders/{order_id}"))  # awaiting payment: back to the provider
    saga(shop, order_id, ("payment.succeeded", {}))
    listing = text(p.get("/orders"))
    assert f'href="/orders/{order_id}"' in listing and "Confirmed" in listing
    assert f'href="/orders/{order_id}"' in text(p.get("/orders/recent"))
    html = text(p.get(f"/orders/{order_id}"))
    for expected in (
        "Fountain Pen",
        "$84.00",
        "12 Analytical Row",
        "Items reserved",
        "Paid and confirmed",
        "Status: <strong",
        "Cancel order",
    ):
        assert expected in html, expected
    stranger = browser(profile_app, new_user(shop.gateway))
    assert stranger.get(f"/orders/{order_id}").status_code == 404
    assert post(stranger, f"/orders/{order_id}/cancel").status_code == 404
    asked = post(p, f"/orders/{order_id}/cancel", htmx=True)
    assert (
        asked.status_code == 200
        and "Yes, cancel order" in text(asked)
        and 'name="confirmed" value="yes"' in text(asked)
    )
    assert "Cancel order" in text(p.get(f"/orders/{order_id}"))  # asking changed nothing
    assert "Pay now" not in text(p.get(f"/orders/{order_id}"))  # paid
    r = post(p, f"/orders/{order_id}/cancel", htmx=True, confirmed="yes")
    assert r.status_code == 200 and "Your order is cancelled" in text(r) and "Cancel order" not in text(r)
    assert post(p, f"/orders/{order_id}/cancel", confirmed="yes").status_code == 409


def test_order_history_without_js_redirects_after_cancel_and_signed_out_goes_to_sign_in(
    shop, checkout_app, profile_app, user
):
    _, placed, _ = checked_out(shop, checkout_app, user)
    order_id = order_of(placed)
    saga(shop, order_id, ("stock.reserved", {}))
    asked = post(browser(profile_app, user), f"/orders/{order_id}/cancel")
    assert asked.status_code == 200 and "Yes, cancel order" in text(asked) and "No, keep my order" in text(asked)
    r = post(browser(profile_app, user), f"/orders/{order_id}/cancel", confirmed="yes")
    assert r.status_code == 303 and r.headers["Location"] == f"/orders/{order_id}"
    assert browser(profile_app).get("/orders").headers["Location"] == "/login?next=/orders"
    assert "You have no orders yet" in text(browser(profile_app, new_user(shop.gateway)).get("/orders"))


def test_after_the_order_is_placed_going_back_to_a_step_leads_to_the_order(shop, checkout_app, user):
    c, placed, _ = checked_out(shop, checkout_app, user)
    order_id = order_of(placed)
    back = c.get("/review")
    assert back.status_code == 303 and back.headers["Location"] == f"/orders/{order_id}"
    assert c.get("/review", headers={"HX-Request": "true"}).headers["HX-Redirect"] == f"/orders/{order_id}"


def test_a_line_the_shop_cannot_fill_must_be_fixed_before_checkout_starts(shop, checkout_app, user):
    fill_cart(shop, user, ("desk-organiser", 2), ("fountain-pen", 1))
    sku = products_deps(shop.products).repo.get("desk-organiser")["sku"]
    inventory_deps(shop.inventory).stock.set_available(sku, 1)
    r = browser(checkout_app, user).get("/start")
    assert r.status_code == 409 and "Your cart needs a change first" in text(r)
    assert "Desk Organiser" in text(r) and "Fountain Pen" not in text(r) and 'href="/cart"' in text(r)
