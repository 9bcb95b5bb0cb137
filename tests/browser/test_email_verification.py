"""Email confirmation in Chromium, with and without JavaScript: a shopper who once ordered as a guest makes an account
with that address, asks for the link again from the profile, confirms with it, and finds the guest's order in their
orders."""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.pages.auth import use_session
from tests.browser.pages.base import PageObject
from tests.support.accounts_apps import bearer
from tests.support.browser.mail import link_path, mails_to
from tests.support.polling import wait_until

BOTH = pytest.mark.parametrize("kind", ["page", "page_nojs"], ids=["js", "nojs"])
LINK = re.compile(r"https?://[^\s\"]+/verify-email/[A-Za-z0-9_-]+")
ADDRESS = {"name": "Ada Gast", "line1": "1 Guest Row", "city": "London", "postal_code": "N1 9GU", "country": "GB"}


def guest_order(gateway_url: str, email: str) -> str:
    r = requests.post(
        f"{gateway_url}/api/orders",
        json={"address": ADDRESS, "lines": [{"product_id": "fountain-pen", "quantity": 1}], "email": email},
        headers={"Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    )
    assert r.status_code == 202, r.text
    return r.json()["id"]


def confirmation_links(stack, email: str, count: int) -> list[str]:
    return [link_path(m, LINK) for m in mails_to(stack, email, "Confirm your email", count)]


@BOTH
def test_a_shopper_confirms_their_email_and_finds_the_order_they_placed_as_a_guest(
    kind, request, stack, base_url, gateway_url
):
    page = request.getfixturevalue(kind)
    email = f"once-a-guest-{uuid.uuid4().hex[:8]}@example.com"
    order_id = guest_order(gateway_url, email)
    r = requests.post(
        f"{gateway_url}/api/auth/register",
        json={"email": email, "password": "secret-pass-1", "name": "Ada Gast"},
        timeout=10,
    )
    assert r.status_code == 201, r.text
    user = r.json()
    use_session(page, base_url, user)

    profile = PageObject(page)
    profile.navigate("/profile")
    region = page.locator("#profile-email")
    expect(region).to_contain_text("Not confirmed yet")
    region.get_by_role("button", name="Send again").click()
    expect(page.locator("#profile-email").get_by_role("status")).to_have_text(
        "A new confirmation link is on its way. It works for 7 days."
    )
    first, latest = confirmation_links(stack, email, 2)[:2]
    assert first != latest

    page.goto(latest)
    panel = page.locator("#auth-panel")
    expect(panel.get_by_role("heading", name="Confirm your email")).to_be_visible()
    panel.get_by_role("button", name="Confirm my email").click()
    expect(panel.get_by_role("status")).to_contain_text(f"{email} is confirmed")

    def claimed() -> bool:
        mine = requests.get(f"{gateway_url}/api/orders", headers=bearer(user), timeout=5).json()["items"]
        return order_id in {o["id"] for o in mine}

    wait_until(claimed, message="the guest's order to join the account")  # by account.email_verified
    page.goto("/orders")
    expect(page.get_by_role("link", name=re.compile(f"{order_id[:8]}"))).to_be_visible()
    wait_until(
        lambda: requests.get(f"{gateway_url}/api/users/me", headers=bearer(user), timeout=5).json()["email_verified"],
        message="the profile to show the address confirmed",
    )
    profile.navigate("/profile")
    expect(page.locator("#profile-email")).to_contain_text("Confirmed")
    expect(page.locator("#profile-email").get_by_role("button", name="Send again")).to_have_count(0)

    page.goto(latest)  # the same link twice: it has done its work
    page.locator("#auth-panel").get_by_role("button", name="Confirm my email").click()
    expect(page.locator("#auth-panel").get_by_role("alert")).to_contain_text("not valid")
