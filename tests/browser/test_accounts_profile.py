"""The profile page in Chromium: edit name and phone, add and delete addresses, field messages; JS and no JS."""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.pages.auth import AccountArea, use_session
from tests.browser.pages.profile import ProfilePage
from tests.support.accounts_apps import bearer, new_user
from tests.support.browser.catalog_data import create_lineup

BOTH = pytest.mark.parametrize("kind", ["page", "page_nojs"], ids=["js", "nojs"])


@pytest.fixture()
def profile_page(request, base_url, gateway_url):
    """A signed-in shopper's /profile, in the browser the test asks for by name."""

    def open_as(kind: str):
        page = request.getfixturevalue(kind)
        user = new_user(gateway_url, name=f"Shopper {uuid.uuid4().hex[:6]}")
        use_session(page, base_url, user)
        return ProfilePage(page).navigate(), user

    return open_as


@pytest.fixture()
def two_devices(request, new_context, base_url, gateway_url):
    """One shopper signed in twice: the test's browser (by name) and another device (its own context, with its
    own sign-in). Returns (page, other device's page, the user, the other device's tokens)."""

    def sign_in_twice(kind: str):
        page, user = request.getfixturevalue(kind), new_user(gateway_url)
        login = {"email": user["email"], "password": user["password"]}
        phone = requests.post(f"{gateway_url}/api/auth/login", json=login, timeout=10).json()
        elsewhere = new_context().new_page()
        use_session(page, base_url, user)
        use_session(elsewhere, base_url, phone)
        return page, elsewhere, user, phone

    return sign_in_twice


@BOTH
def test_a_shopper_edits_their_name_and_phone(kind, profile_page):
    profile, user = profile_page(kind)
    expect(profile.details.get_by_label("Name")).to_have_value(user["name"])
    profile.save_details("Ada King", "+44 20 7946 0958")
    if kind == "page":  # swapped in place, and the header heard "profile-changed" without a reload
        expect(profile.status).to_have_text("Your details are saved.")
    expect(AccountArea(profile.page).user_link("Ada King")).to_be_visible()  # the header follows, JS or not
    profile.navigate()
    expect(profile.details.get_by_label("Name")).to_have_value("Ada King")
    expect(profile.details.get_by_label("Phone")).to_have_value("+442079460958")  # kept in E.164


@BOTH
def test_an_invalid_phone_is_explained_next_to_the_field(kind, profile_page):
    profile, _ = profile_page(kind)
    profile.save_details("Ada", "call me maybe")
    phone = profile.details.get_by_label("Phone")
    expect(phone).to_have_accessible_description("Enter a valid phone number, e.g. +1 415 555 2671.")
    expect(phone).to_have_value("call me maybe")


@BOTH
def test_a_shopper_adds_and_deletes_an_address(kind, profile_page):
    profile, _ = profile_page(kind)
    profile.add_address("Ada Lovelace", "12 Analytical Row", "London", "N1 9GU", "GB")
    expect(profile.saved_addresses).to_have_count(1)
    expect(profile.saved_addresses.first).to_contain_text("12 Analytical Row")
    profile.add_address("Ada Lovelace", "7 Difference Lane", "Paris", "75001", "fr")
    expect(profile.saved_addresses).to_have_count(2)
    profile.delete_address("12 Analytical Row")
    expect(profile.saved_addresses).to_have_count(1)
    expect(profile.saved_addresses.first).to_contain_text("France")
    profile.navigate()
    expect(profile.saved_addresses).to_have_count(1)


@BOTH
def test_an_invalid_address_is_explained_next_to_the_field(kind, profile_page):
    profile, _ = profile_page(kind)
    profile.add_address("Ada Lovelace", "12 Analytical Row", "London", "!!", "GB")
    postal_code = profile.address_form.get_by_label("Postal code")
    expect(postal_code).to_have_accessible_description(re.compile("Enter a valid postal code."))
    expect(profile.address_form.get_by_label("Address", exact=True)).to_have_value("12 Analytical Row")
    expect(profile.page.get_by_role("list", name="Saved addresses")).to_have_count(0)


def place_order(gateway_url: str, user: dict, product_id: str) -> str:
    """An order placed through the API, as the checkout would (the shopper then pays on the provider's page)."""
    body = {
        "address": {
            "name": "Ada Lovelace",
            "line1": "12 Analytical Row",
            "city": "London",
            "postal_code": "N1 9GU",
            "country": "GB",
        },
        "lines": [{"product_id": product_id, "quantity": 1}],
    }
    r = requests.post(
        f"{gateway_url}/api/orders",
        json=body,
        timeout=10,
        headers={**bearer(user), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 202, r.text
    return r.json()["id"]


def test_the_profile_lists_the_shoppers_latest_orders(profile_page, gateway_url):
    profile, user = profile_page("page")
    expect(profile.orders_region).to_contain_text("No orders yet.")
    lineup = create_lineup(gateway_url)
    placed = [place_order(gateway_url, user, lineup.ids[word]) for word in ("Alpha", "Delta")]
    profile.navigate()
    expect(profile.orders_region.get_by_role("heading", name="Your orders")).to_be_visible()
    for order_id in placed:
        expect(profile.orders_region.get_by_role("link", name=f"Order {order_id[:8]}")).to_be_visible()
    expect(profile.orders_region.get_by_role("row")).to_have_count(1 + len(placed))  # the header row, then each


@BOTH
def test_sign_out_everywhere_ends_this_browser_and_every_other_device(kind, two_devices, gateway_url):
    page, elsewhere, _, phone = two_devices(kind)
    elsewhere.goto("/profile")
    expect(elsewhere.get_by_role("heading", name="Your account")).to_be_visible()

    ProfilePage(page).navigate()
    page.get_by_role("button", name="Sign out everywhere").click()
    expect(page).to_have_url(re.compile(r"/login\?signed_out=everywhere$"))
    expect(page.get_by_role("status")).to_have_text("You are signed out on every device. Sign in again here.")
    page.goto("/profile")  # this browser holds no session any more
    expect(page).to_have_url(re.compile(r"/login\?next="))

    elsewhere.goto("/profile")  # the other device's access and refresh tokens are both refused
    expect(elsewhere).to_have_url(re.compile(r"/login\?next="))
    refused = requests.post(
        f"{gateway_url}/api/auth/refresh", json={"refresh_token": phone["refresh_token"]}, timeout=10
    )
    assert refused.status_code == 401


@BOTH
def test_a_shopper_changes_their_password_and_every_other_device_is_signed_out(kind, two_devices, gateway_url):
    page, elsewhere, user, _ = two_devices(kind)
    login = {"email": user["email"], "password": user["password"]}

    profile = ProfilePage(page).navigate()
    form = page.get_by_role("form", name="Change password")
    form.get_by_label("Current password").fill("not-my-password")
    form.get_by_label("New password").fill("brand-new-pass-9")
    form.get_by_role("button", name="Change password").click()
    form = page.get_by_role("form", name="Change password")
    expect(form.get_by_label("Current password")).to_have_accessible_description("That is not your current password.")

    form.get_by_label("Current password").fill(user["password"])
    form.get_by_label("New password").fill("brand-new-pass-9")
    form.get_by_role("button", name="Change password").click()
    if kind == "page":
        expect(profile.status).to_have_text("Your password is changed. Every other device is signed out.")
    profile.navigate()  # this browser is still signed in, on its new session
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()

    elsewhere.goto("/profile")  # the other device is not
    expect(elsewhere).to_have_url(re.compile(r"/login\?next="))
    assert requests.post(f"{gateway_url}/api/auth/login", json=login, timeout=10).status_code == 401
    new = {**login, "password": "brand-new-pass-9"}
    assert requests.post(f"{gateway_url}/api/auth/login", json=new, timeout=10).status_code == 200
