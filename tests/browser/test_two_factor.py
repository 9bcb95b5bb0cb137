"""Two-factor sign-in for an admin in Chromium, with and without JavaScript, on a desktop and a phone: TOTP turned on
in /profile (a QR code and the secret as text, a first code, ten recovery codes shown once), then signing in asks for
"Authentication code" after the password; a recovery code works once, and a second time is refused beside the field."""

from __future__ import annotations

import re
import time
import uuid

import pyotp
import requests
from playwright.sync_api import Locator, Page, expect

from devstack.accounts import admin_tokens
from tests.browser.pages.auth import AccountArea, SignInPage
from tests.support.accounts_apps import bearer, new_user
from tests.support.browser.variants import EVERY_WAY, open_browser

WIDER_THAN_THE_SCREEN = "() => document.documentElement.scrollWidth - window.innerWidth"


def a_new_admin(gateway_url: str) -> dict:
    """A fresh account made an admin by the shop's owner (the owner's own sign-in stays password-only for the other
    tests)."""
    user = new_user(gateway_url, name=f"Second Admin {uuid.uuid4().hex[:6]}")
    made = requests.put(
        f"{gateway_url}/api/auth/accounts/{user['id']}/role",
        json={"role": "admin"},
        headers=bearer(admin_tokens(gateway_url)),
        timeout=10,
    )
    assert made.status_code == 200, made.text
    return user


def fits_the_screen(page: Page) -> None:
    assert page.evaluate(WIDER_THAN_THE_SCREEN) <= 0, f"{page.url} scrolls sideways"


def sign_out(account: AccountArea, kind: str) -> None:
    account.sign_out(confirm=kind == "page_nojs")
    expect(account.sign_out_link).to_have_count(0)


def sign_in_with_code(page: Page, admin: dict, code: str) -> Locator:
    """Password first, then the code; answers the sign-in panel (still there when the code was refused)."""
    sign_in = SignInPage(page).navigate()
    sign_in.sign_in(admin["email"], admin["password"])
    field = sign_in.panel.get_by_label("Authentication code")
    expect(field).to_be_visible()  # the password alone signed nobody in
    expect(AccountArea(page).sign_out_link).to_have_count(0)
    fits_the_screen(page)
    field.fill(code)
    sign_in.panel.get_by_role("button", name="Sign in").click()
    return sign_in.panel


@EVERY_WAY
def test_an_admin_turns_on_two_factor_sign_in_and_signs_in_with_a_code_and_a_recovery_code_once(
    kind, width, request, gateway_url
):
    page = open_browser(request, kind, width)
    admin = a_new_admin(gateway_url)
    account = AccountArea(page)
    SignInPage(page).navigate().sign_in(admin["email"], admin["password"])
    expect(account.sign_out_link).to_be_visible()

    page.goto("/profile")
    region = page.get_by_role("region", name="Two-factor authentication")
    region.get_by_role("button", name="Set up two-factor authentication").click()
    expect(region.get_by_role("img", name="Setup QR code")).to_be_visible()
    secret = region.get_by_label("Secret key").inner_text().replace(" ", "")
    fits_the_screen(page)
    region.get_by_label("Authentication code").fill("000000")
    region.get_by_role("button", name="Turn on").click()
    expect(region.get_by_label("Authentication code")).to_have_accessible_description(
        re.compile("That code is not right")
    )
    region.get_by_label("Authentication code").fill(pyotp.TOTP(secret).now())
    region.get_by_role("button", name="Turn on").click()
    expect(region.get_by_role("status")).to_contain_text("Two-factor authentication is on")
    codes = region.get_by_role("list", name="Your recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    recovery = codes.nth(0).inner_text().strip()
    fits_the_screen(page)
    # Shown once: the page again says it is on, without the codes. (Without JS the answer's header was drawn with the
    # session that turning it on ended; this page's header has the new one.)
    page.goto("/profile")
    expect(region).to_contain_text("Recovery codes left: 10")
    expect(region.get_by_role("list", name="Your recovery codes")).to_have_count(0)
    sign_out(account, kind)

    # The code that turned it on is spent; the next time step's code is still within the accepted window.
    sign_in_with_code(page, admin, pyotp.TOTP(secret).at(time.time() + 30))
    expect(account.sign_out_link).to_be_visible()
    sign_out(account, kind)

    sign_in_with_code(page, admin, recovery)
    expect(account.sign_out_link).to_be_visible()
    sign_out(account, kind)

    panel = sign_in_with_code(page, admin, recovery)  # the same recovery code, a second time
    expect(panel.get_by_label("Authentication code")).to_have_accessible_description(
        re.compile("That code is not right, or was used already")
    )
    expect(account.sign_out_link).to_have_count(0)
