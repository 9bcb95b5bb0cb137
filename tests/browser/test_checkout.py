"""Checkout in Chromium, with and without JavaScript: the card typed only on the provider's page; a purchase the shop
ships (capture) and partly refunds; declines, 3-D Secure, a cancellation (void), and paying later."""

from __future__ import annotations

import json
import re
import uuid

import pymongo
import pytest
import requests
from kafka import KafkaConsumer
from playwright.sync_api import expect

from tests.browser.pages.admin import OrderPage as AdminOrderPage
from tests.browser.pages.auth import sign_in_as_admin, use_session
from tests.browser.pages.checkout import CheckoutPage, ProviderPage
from tests.support.accounts_apps import bearer, new_user
from tests.support.broker import read_all
from tests.support.browser.mail import mails_to

BOTH = pytest.mark.parametrize("kind", ["page", "page_nojs"], ids=["js", "nojs"])
SETTLE_MS = 30_000  # the saga crosses three services and the broker; the page polls (or refreshes) meanwhile


@pytest.fixture()
def shopper_page(request, base_url, gateway_url, lineup):
    """A signed-in shopper with two of "Alpha" in the cart, in the browser the test names."""

    def make(kind: str):
        page = request.getfixturevalue(kind)
        user = new_user(gateway_url, name=f"Shopper {uuid.uuid4().hex[:6]}")
        r = requests.post(
            f"{gateway_url}/api/cart/items",
            json={"product_id": lineup.ids["Alpha"], "quantity": 2},
            headers=bearer(user),
            timeout=10,
        )
        assert r.status_code in (200, 201), r.text
        use_session(page, base_url, user)
        return page, user

    return make


def admin_session(page, base_url: str, gateway_url: str) -> AdminOrderPage:
    """The same browser, now signed in as the local admin (the shop's owner at the back office)."""
    sign_in_as_admin(page, base_url, gateway_url)
    return AdminOrderPage(page)


def assert_card_number_left_no_trace(page, stack, number: str) -> None:
    """Not in the browser's cookies for the shop, any Fragmart process's log or trace, any database or any topic of
    the broker: the card was typed on the provider's page, on the provider's origin, and never crossed the shop."""
    spaced = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    shop_cookies = [c for c in page.context.cookies() if c["domain"] in page.url or "127.0.0.1" in c["domain"]]
    assert not [c for c in shop_cookies if number in c["value"] or spaced in c["value"]]
    files = [p for p in stack.log_dir.glob("*.log") if not p.name.startswith("pay")]  # the provider's own log
    assert len(files) >= 10  # every process writes one
    files += list((stack.var_dir / "traces").glob("*.jsonl"))
    found = [p.name for p in files if number in (text := p.read_text(errors="replace")) or spaced in text]
    assert found == [], f"the card number reached {found}"
    mongo_url = f"mongodb://127.0.0.1:{stack.specs['mongo'].port}/?retryWrites=false"
    db: pymongo.MongoClient = pymongo.MongoClient(mongo_url)
    with db:
        for name in db.list_database_names():
            for coll in db[name].list_collection_names():
                text = json.dumps(list(db[name][coll].find({})), default=str)
                assert number not in text and spaced not in text, f"the card number is stored in {name}.{coll}"
    bootstrap = f"127.0.0.1:{stack.specs['kafka'].port}"
    lister = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        topics = [t for t in lister.topics() if not t.startswith("__")]
    finally:
        lister.close()
    carried = [t for t, raw in read_all(bootstrap, topics) if number.encode() in raw or spaced.encode() in raw]
    assert carried == [], f"the card number went over {carried}"


def check_out(page) -> ProviderPage:
    checkout = CheckoutPage(page).start_from_cart()
    checkout.enter_address("Ada Lovelace", "12 Analytical Row", "London", "N1 9GU", "GB")
    expect(checkout.region).not_to_contain_text("Card number")  # the shop never asks for it
    provider = checkout.place_order()
    expect(page.get_by_text("Pay Fragmart")).to_be_visible()  # the provider's page names the shop and the amount
    expect(page.get_by_text("24.90 USD")).to_be_visible()
    return provider


@BOTH
def test_a_shopper_pays_on_the_providers_page_and_the_shop_ships_and_refunds_part(
    kind, shopper_page, stack, lineup, base_url, gateway_url
):
    page, user = shopper_page(kind)
    confirmation = check_out(page).pay_and_return("4242 4242 4242 4242")
    order_id = confirmation.order_id()
    expect(confirmation.status).to_have_text("Confirmed", timeout=SETTLE_MS)
    assert mails_to(stack, user["email"], f"{order_id[:8]} is confirmed")[0]
    assert_card_number_left_no_trace(page, stack, "4242424242424242")

    office = admin_session(page, base_url, gateway_url)
    office.navigate(f"/orders/{order_id}")
    history = office.region.get_by_role("list", name="Payment history")
    expect(history).to_contain_text("Authorized $24.90")
    office.ship("UPS", "1Z 999 AA1 0123456784")
    expect(office.status).to_contain_text("Shipped")
    expect(history).to_contain_text("Captured $24.90", timeout=SETTLE_MS)  # taken at shipment, by the saga
    office.page.reload()  # the refund form shows once the capture is recorded
    office.region.get_by_label("Refund amount").fill("30.00")
    office.button("Refund").click()
    expect(office.region.get_by_label("Refund amount")).to_have_accessible_description(
        "At most $24.90 can still be refunded."
    )
    office.region.get_by_label("Refund amount").fill("5.00")
    office.button("Refund").click()
    expect(office.region).to_contain_text("Refund made.")
    expect(history).to_contain_text("Refunded $5.00")
    assert mails_to(stack, user["email"], f"{order_id[:8]} is on its way")[0]
    refunded = mails_to(stack, user["email"], f"refunded for your Fragmart order {order_id[:8]}")[0]
    assert "$5.00" in refunded["body"]


@BOTH
def test_a_declined_card_stays_on_the_providers_page_and_another_card_pays(kind, shopper_page):
    page, _ = shopper_page(kind)
    provider = check_out(page)
    provider.pay("4000 0000 0000 0002")
    expect(provider.refusal()).to_have_text("Your card was declined.")
    provider.pay("4000 0000 0000 9995")
    expect(provider.refusal()).to_have_text("Your card has insufficient funds.")
    confirmation = provider.pay_and_return("4242 4242 4242 4242")
    expect(confirmation.status).to_have_text("Confirmed", timeout=SETTLE_MS)


@BOTH
def test_3d_secure_fail_leaves_the_order_awaiting_payment_and_complete_confirms_it(kind, shopper_page):
    page, _ = shopper_page(kind)
    provider = check_out(page)
    provider.pay("4000 0027 6000 3184")
    back = provider.bank_says("Fail")
    expect(back.status).to_contain_text("Awaiting payment")
    expect(back.status).to_contain_text("no money was taken")
    provider = back.try_another_card()
    provider.pay("4000 0027 6000 3184")
    confirmed = provider.bank_says("Complete")
    expect(confirmed.status).to_have_text("Confirmed", timeout=SETTLE_MS)


@BOTH
def test_a_confirmed_order_cancelled_by_the_shopper_is_never_charged(kind, shopper_page, stack, lineup):
    page, user = shopper_page(kind)
    confirmation = check_out(page).pay_and_return("4242 4242 4242 4242")
    order_id = confirmation.order_id()
    expect(confirmation.status).to_have_text("Confirmed", timeout=SETTLE_MS)
    order = confirmation.view_details()
    expect(order.status).to_contain_text("Confirmed")
    expect(order.region).to_contain_text(lineup.names["Alpha"])
    expect(order.timeline).to_have_count(3)
    order.cancel()
    expect(order.status).to_contain_text("Cancelled")
    expect(order.region.get_by_role("button", name="Cancel order")).to_have_count(0)
    expect(order.region).to_contain_text("Cancelled by you")
    assert mails_to(stack, user["email"], f"{order_id[:8]} is cancelled")[0]


def test_a_shopper_who_leaves_the_providers_page_can_pay_later_from_the_order(shopper_page):
    page, _ = shopper_page("page")
    check_out(page)
    page.go_back()  # leaves without paying: the order holds the stock and waits
    page.goto("/orders")
    page.locator("#main").get_by_role("link", name=re.compile(r"^Order [0-9a-f]{8}")).first.click()
    expect(page.locator("#order")).to_contain_text("Awaiting payment")
    page.get_by_role("button", name="Pay now").click()
    confirmation = ProviderPage(page).pay_and_return("4242 4242 4242 4242")
    expect(confirmation.status).to_have_text("Confirmed", timeout=SETTLE_MS)
