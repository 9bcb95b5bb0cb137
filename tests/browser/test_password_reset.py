"""A forgotten password in Chromium, with and without JavaScript: "Forgot your password?" on the sign-in page, the
emailed link, a refused password said beside its field, the new password, and the link refused a second time; a
device signed in before the reset is signed out by it (its refresh token is refused)."""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.pages.auth import AccountArea, SignInPage, use_session
from tests.support.accounts_apps import bearer, new_user
from tests.support.browser.mail import link_path, mails_to

BOTH = pytest.mark.parametrize("kind", ["page", "page_nojs"], ids=["js", "nojs"])
LINK = re.compile(r"https?://[^\s]+/reset-password/[A-Za-z0-9_-]+")


@BOTH
def test_a_shopper_who_forgot_the_password_sets_a_new_one_from_the_emailed_link(
    kind, request, stack, gateway_url, new_context, base_url
):
    page = request.getfixturevalue(kind)
    user = new_user(gateway_url, name=f"Forgetful {uuid.uuid4().hex[:6]}")
    elsewhere = new_context().new_page()  # another device, signed in with the registration's pair
    use_session(elsewhere, base_url, user)
    elsewhere.goto("/profile")
    expect(AccountArea(elsewhere).sign_out_link).to_be_visible()
    sign_in = SignInPage(page).navigate()
    sign_in.panel.get_by_role("link", name="Forgot your password?").click()
    panel = page.locator("#auth-panel")
    expect(panel.get_by_role("heading", name="Reset your password")).to_be_visible()
    panel.get_by_label("Email").fill(user["email"])
    panel.get_by_role("button", name="Send reset link").click()
    expect(panel.get_by_role("status")).to_contain_text("we've sent it a link")

    link = link_path(mails_to(stack, user["email"], "Reset your")[0], LINK)
    page.goto(link)
    password = panel.get_by_label("New password", exact=True)
    password.fill("short")
    panel.get_by_role("button", name="Set new password").click()
    expect(panel.get_by_label("New password", exact=True)).to_have_accessible_description(
        re.compile("8 to 128 characters")
    )
    panel.get_by_label("New password", exact=True).fill("brand-new-pass-7")
    panel.get_by_role("button", name="Set new password").click()

    expect(page).to_have_url(re.compile(r"/profile\?password=reset$"))  # signed in with the new password
    expect(page.locator("#profile-password")).to_contain_text("Your new password is set.")
    account = AccountArea(page)
    account.sign_out(confirm=kind == "page_nojs")
    expect(account.sign_out_link).to_have_count(0)
    sign_in.navigate()
    sign_in.sign_in(user["email"], user["password"])
    expect(sign_in.error).to_contain_text("Wrong email or password.")
    sign_in.sign_in(user["email"], "brand-new-pass-7")
    expect(account.sign_out_link).to_be_visible()

    elsewhere.goto("/profile")  # its access token and its refresh token are both refused now
    expect(elsewhere).to_have_url(re.compile(r"/login"))
    expect(AccountArea(elsewhere).sign_out_link).to_have_count(0)
    refreshed = requests.post(
        f"{gateway_url}/api/auth/refresh", json={"refresh_token": user["refresh_token"]}, timeout=5
    )
    assert refreshed.status_code == 401

    page.goto(link)  # the same link, a second time
    expect(panel.get_by_role("alert")).to_contain_text("This link has been used already")
    expect(panel.get_by_role("link", name="Send me a new link")).to_have_attribute("href", "/forgot-password")


@BOTH
def test_an_unknown_email_hears_the_same_as_a_known_one(kind, request):
    page = request.getfixturevalue(kind)
    page.goto("/forgot-password")
    panel = page.locator("#auth-panel")
    panel.get_by_label("Email").fill(f"nobody-{uuid.uuid4().hex}@example.com")
    panel.get_by_role("button", name="Send reset link").click()
    expect(panel.get_by_role("status")).to_contain_text("If an account exists for")
    panel_text = panel.inner_text()
    assert "no account" not in panel_text.lower()


@BOTH
def test_a_browser_whose_session_ended_elsewhere_can_still_reset_the_password(
    kind, request, stack, base_url, gateway_url
):
    """Its cookie holds a revoked token (the shopper signed out everywhere from another device): the reset still
    gets through, as signing in does."""
    page = request.getfixturevalue(kind)
    user = new_user(gateway_url, name=f"Revoked {uuid.uuid4().hex[:6]}")
    use_session(page, base_url, user)
    ended = requests.post(f"{gateway_url}/api/auth/logout-everywhere", headers=bearer(user), timeout=10)
    assert ended.status_code == 204
    page.goto("/forgot-password")
    panel = page.locator("#auth-panel")
    panel.get_by_label("Email").fill(user["email"])
    panel.get_by_role("button", name="Send reset link").click()
    expect(panel.get_by_role("status")).to_contain_text("If an account exists for")
    page.goto(link_path(mails_to(stack, user["email"], "Reset your")[0], LINK))
    panel.get_by_label("New password", exact=True).fill("after-revoke-pass-8")
    panel.get_by_role("button", name="Set new password").click()
    expect(page).to_have_url(re.compile(r"/profile\?password=reset$"))
