"""Accounts in Chromium: sign up, sign in, a wrong password, sign out, silent refresh, the guest cart at sign-in.
Each form runs with JavaScript (htmx swaps) and without it (plain posts and redirects)."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from devstack.smtp_sink import wait_for_messages
from tests.browser.pages.auth import AccountArea, SignInPage, SignUpPage
from tests.browser.pages.products import ProductPage
from tests.browser.pages.profile import ProfilePage
from tests.browser.pages.shell import ShellPage
from tests.support.accounts_apps import new_user

BOTH = pytest.mark.parametrize("kind", ["page", "page_nojs"], ids=["js", "nojs"])


@pytest.fixture()
def shopper(gateway_url):
    return new_user(gateway_url, name=f"Shopper {uuid.uuid4().hex[:6]}")


@BOTH
def test_a_new_shopper_signs_up_is_signed_in_and_gets_a_welcome_email(kind, request, stack):
    page = request.getfixturevalue(kind)
    name, email = "Grace Hopper", f"grace-{uuid.uuid4().hex}@example.com"
    SignUpPage(page).navigate().sign_up(name, email, "cobol-rules-1959")
    expect(page).to_have_url(re.compile(r"/$"))
    account = AccountArea(page)
    expect(account.user_link(name)).to_be_visible()
    expect(account.sign_out_link).to_be_visible()
    mails = wait_for_messages(stack.mail_dir, to=email, count=2, timeout=30)  # welcome, and "Confirm your email"
    assert sorted(m["subject"] for m in mails) == ["Confirm your email for Fragmart", f"Welcome to Fragmart, {name}!"]


@BOTH
def test_a_too_short_password_is_explained_next_to_the_field(kind, request):
    page = request.getfixturevalue(kind)
    signup = SignUpPage(page).navigate()
    signup.sign_up("Ada", f"ada-{uuid.uuid4().hex}@example.com", "short")
    expect(signup.field("Password")).to_have_accessible_description("Use a password of 8 to 128 characters.")
    expect(signup.field("Name")).to_have_value("Ada")
    expect(AccountArea(page).sign_in_link).to_be_visible()


@BOTH
def test_signing_up_with_a_taken_email_says_so(kind, request, shopper):
    page = request.getfixturevalue(kind)
    signup = SignUpPage(page).navigate()
    signup.sign_up("Someone Else", shopper["email"], "another-pass-1")
    expect(signup.field("Email")).to_have_accessible_description("An account with this email already exists.")


@BOTH
def test_a_wrong_password_shows_a_clear_message_beside_the_form(kind, request, shopper):
    page = request.getfixturevalue(kind)
    signin = SignInPage(page).navigate()
    signin.sign_in(shopper["email"], "not-my-password")
    expect(signin.error).to_have_text("Wrong email or password.")
    # With htmx the form is swapped in place; without JS the post's answer is a whole page.
    expect(page).to_have_url(re.compile(r"/login$" if kind == "page" else r"/f/auth/login$"))
    expect(signin.email).to_have_value(shopper["email"])
    expect(signin.password).to_have_value("")
    expect(AccountArea(page).sign_in_link).to_be_visible()


@BOTH
def test_a_shopper_signs_in_signs_out_and_is_really_signed_out(kind, request, shopper):
    page = request.getfixturevalue(kind)
    SignInPage(page).navigate().sign_in(shopper["email"], shopper["password"])
    account = AccountArea(page)
    expect(account.user_link(shopper["name"])).to_be_visible()
    account.sign_out(confirm=kind == "page_nojs")
    expect(account.sign_in_link).to_be_visible()
    expect(account.sign_out_link).to_have_count(0)
    assert not [c for c in page.context.cookies() if c["name"] in ("access_token_cookie", "refresh_token_cookie")]
    ProfilePage(page).navigate()
    expect(page).to_have_url(re.compile(r"/login\?next=/profile$"))


@BOTH
def test_signing_in_from_a_protected_page_returns_to_it(kind, request, shopper):
    page = request.getfixturevalue(kind)
    ProfilePage(page).navigate()
    SignInPage(page).sign_in(shopper["email"], shopper["password"])
    expect(page).to_have_url(re.compile(r"/profile$"))
    expect(page.get_by_role("heading", name="Your details")).to_be_visible()


def test_the_session_cookies_are_httponly_and_lax(page, shopper):
    SignInPage(page).navigate().sign_in(shopper["email"], shopper["password"])
    expect(AccountArea(page).user_link(shopper["name"])).to_be_visible()
    cookies = {c["name"]: c for c in page.context.cookies()}
    for name in ("access_token_cookie", "refresh_token_cookie"):
        assert cookies[name]["httpOnly"] and cookies[name]["sameSite"] == "Lax"
    assert page.evaluate("document.cookie") == ""  # no script can read a token


def test_an_expired_access_token_is_refreshed_silently(page, shopper):
    SignInPage(page).navigate().sign_in(shopper["email"], shopper["password"])
    expect(AccountArea(page).user_link(shopper["name"])).to_be_visible()
    before = {c["name"]: c["value"] for c in page.context.cookies()}
    page.context.clear_cookies(name="access_token_cookie")  # the browser dropped it at its Max-Age
    ProfilePage(page).navigate()
    expect(page.get_by_role("form", name="Your details").get_by_label("Name")).to_have_value(shopper["name"])
    after = {c["name"]: c["value"] for c in page.context.cookies()}
    assert after["access_token_cookie"] and after["refresh_token_cookie"] != before["refresh_token_cookie"]


def test_a_guest_cart_follows_the_shopper_into_their_account(page, shopper):
    ProductPage(page).navigate("everyday-cotton-tee").add_button.click()
    shell = ShellPage(page)
    expect(shell.mini_cart).to_have_accessible_name(re.compile(r"Cart, 1 item\b"))
    SignInPage(page).navigate().sign_in(shopper["email"], shopper["password"])
    expect(AccountArea(page).user_link(shopper["name"])).to_be_visible()
    expect(shell.mini_cart).to_have_accessible_name(re.compile(r"Cart, 1 item\b"))
    assert "fm_cart" not in {c["name"] for c in page.context.cookies()}


def test_a_name_made_of_markup_is_shown_as_text_and_never_runs(page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    name = '<img src=x onerror="alert(1)">'
    SignUpPage(page).navigate().sign_up(name, f"xss-{uuid.uuid4().hex[:10]}@example.com", "correct-horse-9")
    expect(AccountArea(page).user_link(name)).to_be_visible()
    ProfilePage(page).navigate()
    expect(page.get_by_label("Name", exact=True).first).to_have_value(name)
    assert dialogs == []  # nothing the shopper typed ever ran as script
