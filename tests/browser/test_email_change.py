"""Changing the account's email in Chromium, with and without JavaScript, on a desktop and at 390 px: refusals beside
their field, the link emailed to the new address, signing in with it, then the old address's undo link, after which
the old email signs in again and the new one is refused."""

from __future__ import annotations

import re
import uuid

import requests
from playwright.sync_api import expect

from tests.browser.pages.auth import AccountArea, SignInPage, use_session
from tests.browser.pages.email_change import ChangeEmail, EmailLinkPage
from tests.support.accounts_apps import bearer, new_user
from tests.support.browser.mail import link_path, mails_to
from tests.support.browser.variants import EVERY_WAY, open_browser
from tests.support.polling import wait_until

CONFIRM = re.compile(r"https?://[^\s\"]+/confirm-email-change/[A-Za-z0-9_-]+")
UNDO = re.compile(r"https?://[^\s\"]+/undo-email-change/[A-Za-z0-9_-]+")
WIDER_THAN_THE_SCREEN = "() => document.documentElement.scrollWidth - window.innerWidth"


def fits(page) -> None:
    assert page.evaluate(WIDER_THAN_THE_SCREEN) <= 0, page.url


def profile_email(gateway_url: str, email: str, password: str) -> str:
    """The address the users service's profile shows, read with a session of the account signed in as `email`."""
    tokens = requests.post(f"{gateway_url}/api/auth/login", json={"email": email, "password": password}, timeout=10)
    return requests.get(f"{gateway_url}/api/users/me", headers=bearer(tokens.json()), timeout=10).json()["email"]


def signs_in(page, email: str, password: str, kind: str) -> bool:
    """Whether the sign-in form takes this email and password (it signs out first when it does)."""
    sign_in = SignInPage(page).navigate()
    sign_in.sign_in(email, password)
    account = AccountArea(page)
    expect(account.sign_out_link.or_(sign_in.error)).to_be_visible()
    if sign_in.error.count():
        expect(sign_in.error).to_contain_text("Wrong email or password.")
        return False
    account.sign_out(confirm=kind == "page_nojs")
    expect(account.sign_out_link).to_have_count(0)
    return True


@EVERY_WAY
def test_a_shopper_changes_their_email_signs_in_with_it_and_undoes_it_from_the_old_address(
    kind, width, request, stack, base_url, gateway_url
):
    page = open_browser(request, kind, width)
    user, other = new_user(gateway_url), new_user(gateway_url)
    old, new = user["email"], f"ada-moved-{uuid.uuid4().hex[:10]}@example.com"
    use_session(page, base_url, user)
    change = ChangeEmail(page).navigate()
    expect(page.locator("#profile-email")).to_contain_text(old)

    change.change(new, "not-my-password")
    expect(change.current_password).to_have_accessible_description("That is not your current password.")
    change.change(other["email"], user["password"])
    expect(change.new_email).to_have_accessible_description("Another account uses this email address.")
    expect(change.new_email).to_have_value(other["email"])  # what was typed stays
    if width == "phone":
        fits(page)
    change.change(new, user["password"])
    expect(change.status).to_contain_text("Your email changes once you open it.")
    expect(page.locator("#profile-email")).to_contain_text(old)  # nothing changed yet

    link = EmailLinkPage(page)
    page.goto(link_path(mails_to(stack, new, "Confirm your new email")[0], CONFIRM))
    expect(link.panel.get_by_role("heading", name="Confirm your new email")).to_be_visible()
    link.press("Confirm new email")
    expect(link.status).to_have_text(f"Your email address is now {new}. Sign in with it from now on.")
    if width == "phone":
        fits(page)
    account = AccountArea(page)
    account.sign_out(confirm=kind == "page_nojs")
    expect(account.sign_out_link).to_have_count(0)
    assert signs_in(page, new, user["password"], kind)
    assert not signs_in(page, old, user["password"], kind)
    wait_until(  # account.email_changed, through the broker
        lambda: profile_email(gateway_url, new, user["password"]) == new, message="the profile to show the new email"
    )

    page.goto(link_path(mails_to(stack, old, "email address was changed")[0], UNDO))
    expect(link.panel.get_by_role("heading", name="Undo the email change")).to_be_visible()
    link.press("Undo the change")
    expect(link.status).to_have_text(f"Your email address is {old} again, and every device is signed out.")
    expect(link.panel.get_by_role("link", name="Reset your password")).to_have_attribute("href", "/forgot-password")
    if width == "phone":
        fits(page)
    assert signs_in(page, old, user["password"], kind)
    assert not signs_in(page, new, user["password"], kind)
    wait_until(
        lambda: profile_email(gateway_url, old, user["password"]) == old, message="the profile to show the old email"
    )
    refreshed = requests.post(
        f"{gateway_url}/api/auth/refresh", json={"refresh_token": user["refresh_token"]}, timeout=10
    )
    assert refreshed.status_code == 401  # the session from before the undo ended

    if width == "desktop":  # the same link again (once per JS way: every used link counts against 127.0.0.1)
        page.goto(link_path(mails_to(stack, old, "email address was changed")[0], UNDO))
        link.press("Undo the change")
        expect(link.error).to_contain_text("not valid")
