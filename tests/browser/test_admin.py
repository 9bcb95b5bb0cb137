"""The back office in Chromium, with and without JavaScript: sign in as the local admin, create a product with an
image and find it on the storefront, sell out a SKU, ship and deliver an order, replay a dead letter."""

from __future__ import annotations

import io
import re
import uuid

import requests
from kafka import KafkaProducer
from PIL import Image
from playwright.sync_api import expect

from common.messaging.events import make_event
from devstack.accounts import admin_headers
from devstack.processes import LOCAL_DEFAULTS
from devstack.smtp_sink import read_messages
from tests.browser.pages.admin import BackOffice, DeadLetterPage, OrderPage, ProductForm, StockPage
from tests.browser.pages.auth import SignInPage, use_session
from tests.support.accounts_apps import new_user
from tests.support.browser.order_data import confirmed_order
from tests.support.browser.variants import BOTH
from tests.support.polling import wait_until

SETTLE_MS = 30_000


def png(color=(200, 80, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buf, "PNG")
    return buf.getvalue()


def mails(stack, email: str, words: str) -> list:
    return [m for m in read_messages(stack.mail_dir, to=email) if words in m["subject"]]


@BOTH
def test_a_guest_is_sent_to_sign_in_and_the_local_admin_lands_on_the_dashboard(kind, request):
    page = request.getfixturevalue(kind)
    page.goto("/admin/inventory")
    expect(page).to_have_url(re.compile(r"/login\?next=/admin/inventory$"))
    SignInPage(page).sign_in(LOCAL_DEFAULTS["ADMIN_EMAIL"], LOCAL_DEFAULTS["ADMIN_PASSWORD"])
    office = BackOffice(page)
    expect(office.region.get_by_role("heading", name="Stock")).to_be_visible()
    office.navigate()
    for tile in ("Orders today", "Revenue today", "Low stock", "Dead letters"):
        expect(office.region.get_by_role("heading", name=tile)).to_be_visible()
    expect(office.region).to_contain_text("Service health")


@BOTH
def test_a_customer_gets_the_403_page(kind, request, base_url, gateway_url):
    page = request.getfixturevalue(kind)
    use_session(page, base_url, new_user(gateway_url))
    response = page.goto("/admin/products")
    assert response.status == 403
    expect(page.locator("#error")).to_contain_text("for shop staff only")


@BOTH
def test_a_product_created_with_an_image_shows_on_the_storefront(kind, admin_page):
    page = admin_page(kind)
    sku, name = f"BO-{uuid.uuid4().hex[:8].upper()}", f"Walnut Tray {uuid.uuid4().hex[:6]}"
    form = ProductForm(page)
    form.create(name, "Oiled walnut, made to last.", "kitchen", "24.50", sku, "9")
    expect(form.notice).to_have_text("Product saved.")
    form.upload_image("tray.png", "image/png", png(), alt="The tray, empty, from above")
    expect(form.notice).to_have_text("Product saved.")
    expect(form.image).to_have_attribute("src", re.compile(r"^/images/products/[0-9a-f]{64}\.png$"))
    src = form.image.get_attribute("src")
    product_id = page.url.split("/admin/products/")[1].split("?")[0]
    page.goto(f"/products/{product_id}")
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.get_by_role("img", name="The tray, empty, from above")).to_have_attribute("src", src or "")
    expect(page.locator("#main")).to_contain_text("$24.50")
    page.goto("/products?q=" + name.split()[-1])
    expect(page.get_by_role("link", name=name)).to_be_visible()


@BOTH
def test_setting_stock_to_zero_shows_out_of_stock_on_the_storefront(kind, admin_page, gateway_url):
    page = admin_page(kind)
    sku = f"BO-{uuid.uuid4().hex[:8].upper()}"
    r = requests.post(
        f"{gateway_url}/api/products",
        headers=admin_headers(gateway_url),
        timeout=10,
        json={"name": f"Desk Lamp {sku}", "price": 4200, "category": "electronics", "sku": sku, "initial_stock": 6},
    )
    product = r.json()
    wait_until(
        lambda: requests.get(f"{gateway_url}/api/inventory/{sku}", timeout=5).status_code == 200,
        message="inventory to create the stock",
    )
    stock = StockPage(page)
    stock.set_stock(sku, 0)
    expect(stock.notice).to_have_text(f"Stock for {sku} saved.")
    page.goto(f"/products/{product['id']}")
    expect(page.locator("#main")).to_contain_text("Out of stock")


@BOTH
def test_shipping_and_delivering_an_order_emails_the_customer(kind, admin_page, base_url, gateway_url, stack):
    user, order_id = confirmed_order(gateway_url)
    page = admin_page(kind)
    orders = OrderPage(page)
    orders.find(user["email"])
    expect(orders.status).to_contain_text("Paid and confirmed")
    expect(orders.region).to_contain_text("Event history")
    orders.ship("", "1Z 999 AA1 0123456784")
    expect(orders.region.get_by_label("Carrier")).to_have_accessible_description("Choose the carrier from the list.")
    orders.ship("UPS", "1Z 999 AA1 0123456784")
    expect(orders.status).to_contain_text("Shipped")
    expect(orders.region.get_by_role("link", name="1Z 999 AA1 0123456784")).to_have_attribute(
        "href", "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    )
    orders.button("Mark delivered").click()
    expect(orders.status).to_contain_text("Delivered")
    expect(orders.button("Cancel and refund")).to_have_count(0)
    expect(orders.region).to_contain_text("order.deliver")  # the audit trail
    short = order_id[:8]
    wait_until(lambda: mails(stack, user["email"], f"{short} is on its way"), interval=0.2, message="shipped mail")
    shipped = mails(stack, user["email"], f"{short} is on its way")[0]
    assert (
        "Carrier: UPS" in shipped["body"] and "https://www.ups.com/track?tracknum=1Z999AA10123456784" in shipped["body"]
    )
    wait_until(
        lambda: mails(stack, user["email"], f"{short} has been delivered"), interval=0.2, message="delivered mail"
    )
    use_session(page, base_url, user)  # the shopper's own order page shows the parcel too
    page.goto(f"/orders/{order_id}")
    expect(page.locator("#order").get_by_role("link", name="1Z 999 AA1 0123456784")).to_have_attribute(
        "href", "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    )


@BOTH
def test_replaying_a_dead_letter_hands_it_to_its_consumer_once(kind, admin_page, stack):
    email = f"dlq-{uuid.uuid4().hex[:10]}@example.test"
    event = make_event(
        "order.shipped",
        {
            "order_id": uuid.uuid4().hex,
            "user_id": uuid.uuid4().hex,
            "email": email,
            "name": "Lin",
            "total": 1500,
            "currency": "USD",
            "lines": [],
        },
        "orders",
    )
    producer = KafkaProducer(bootstrap_servers=stack.url("kafka"))
    try:  # as the consumer runner dead-letters a message it could not handle (the mail server was down, say)
        producer.send("order.shipped.dlq", event.to_json(), headers=[("error", b"SMTPServerDisconnected()")]).get(10)
    finally:
        producer.close()
    headers = admin_headers(stack.url("gateway"))
    wait_until(
        lambda: (
            event.event_id
            in requests.get(f"{stack.url('gateway')}/api/events/dead-letters", headers=headers, timeout=5).text
        ),
        timeout=15,
        interval=0.2,
        message="the collector to keep the dead letter",
    )
    page = admin_page(kind)
    letters = DeadLetterPage(page).navigate("/events")
    expect(letters.region).to_contain_text("SMTPServerDisconnected()")
    letters.replay(event.event_id)
    expect(letters.notice).to_contain_text("Sent back to its topic")
    expect(letters.region.locator("tr", has_text=event.event_id[:12])).to_have_count(0)
    wait_until(lambda: mails(stack, email, "is on its way"), interval=0.2, message="the replayed event's email")
