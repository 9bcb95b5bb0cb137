"""Issue 21's "Download my data" in Chromium, with and without JavaScript, on a desktop and at 390 px: a shopper with
an address, an order and the "Confirm your email" email in their delivery log downloads one JSON file holding all of
it; signed out, the link's URL leads to the sign-in page."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import requests
from playwright.sync_api import expect

from tests.browser.pages.auth import SignInPage, use_session
from tests.browser.pages.profile import ProfilePage
from tests.support.accounts_apps import bearer, new_user
from tests.support.browser.mail import mails_to
from tests.support.browser.order_data import ADDRESS
from tests.support.browser.variants import EVERY_WAY, open_browser
from tests.support.polling import wait_until

WIDER_THAN_THE_SCREEN = "() => document.documentElement.scrollWidth - window.innerWidth"


def shopper_with_an_order(gateway_url: str, stack) -> tuple[dict, str]:
    """A new account with an address and an order, once its confirmation email is in its delivery log."""
    user = new_user(gateway_url, name="Ada Download")
    added = requests.post(f"{gateway_url}/api/users/me/addresses", json=ADDRESS, headers=bearer(user), timeout=10)
    assert added.status_code == 201, added.text
    product = requests.get(f"{gateway_url}/api/products", params={"per_page": 1}, timeout=10).json()["items"][0]
    placed = requests.post(
        f"{gateway_url}/api/orders",
        json={"address": ADDRESS, "lines": [{"product_id": product["id"], "quantity": 1}]},
        headers={**bearer(user), "Idempotency-Key": f"my-data-{user['id']}"},
        timeout=10,
    )
    assert placed.status_code == 202, placed.text
    mails_to(stack, user["email"], "Confirm your email")
    wait_until(
        lambda: any(
            d["status"] == "sent"
            for d in requests.get(f"{gateway_url}/api/notifications", headers=bearer(user), timeout=5).json()["items"]
        ),
        message="the confirmation email in the delivery log",
    )
    return user, placed.json()["id"]


@EVERY_WAY
def test_a_shopper_downloads_their_data(kind, width, request, stack, base_url, gateway_url):
    page = open_browser(request, kind, width)
    user, order_id = shopper_with_an_order(gateway_url, stack)
    use_session(page, base_url, user)
    ProfilePage(page).navigate()
    region = page.get_by_role("region", name="Your data")
    link = region.get_by_role("link", name="Download my data")
    expect(link).to_be_visible()
    if width == "phone":
        assert page.evaluate(WIDER_THAN_THE_SCREEN) <= 0, page.url

    with page.expect_download() as downloading:
        link.click()
    download = downloading.value
    assert download.suggested_filename == f"fragmart-my-data-{datetime.now(UTC):%Y-%m-%d}.json"
    data = json.loads(Path(download.path()).read_text())
    assert data["format_version"] == 1 and data["exported_at"]
    assert data["profile"]["email"] == user["email"] and data["profile"]["name"] == "Ada Download"
    assert [a["line1"] for a in data["addresses"]] == [ADDRESS["line1"]]
    assert [o["id"] for o in data["orders"]] == [order_id]
    assert any(
        d["channel"] == "email" and "Confirm your email" in (d["subject"] or "") and d["to"] == user["email"]
        for d in data["delivery_log"]
    ), data["delivery_log"]
    expect(region).to_be_visible()  # the page stays as it was: the file was not swapped into it
    expect(page).to_have_url(re.compile(r"/profile$"))


def test_signed_out_the_download_asks_to_sign_in(page_nojs):
    page_nojs.goto("/profile/my-data")
    expect(page_nojs).to_have_url(re.compile(r"/login\?next=/profile$"))
    expect(SignInPage(page_nojs).password).to_be_visible()
