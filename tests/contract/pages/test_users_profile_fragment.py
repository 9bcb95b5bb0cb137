"""The profile fragment against a live gateway and users service: the page, details and address forms."""

from __future__ import annotations

import pytest
import requests

import fragments.profile
from common.web.csrf import CSRF_COOKIE
from tests.support.accounts_apps import accounts_fixture, bearer, new_user

CSRF = "csrf-" + "p" * 30
ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "12 Analytical Row",
    "city": "London",
    "postal_code": "N1 9GU",
    "country": "GB",
}


accounts = accounts_fixture()


@pytest.fixture(scope="module")
def app(accounts):
    return fragments.profile.create_app({"gateway_url": accounts.gateway})


@pytest.fixture()
def user(accounts):
    return new_user(accounts.gateway)


@pytest.fixture()
def client(app, user):
    c = app.test_client()
    c.set_cookie(CSRF_COOKIE, CSRF)
    c.set_cookie("access_token_cookie", user["access_token"])
    return c


def post(client, path, htmx=False, **form):
    return client.post(path, data={"csrf_token": CSRF, **form}, headers={"HX-Request": "true"} if htmx else {})


def addresses(accounts, user) -> list[dict]:
    return requests.get(f"{accounts.gateway}/api/users/me/addresses", headers=bearer(user), timeout=5).json()["items"]


def test_signed_out_the_profile_sends_you_to_sign_in_and_back(app):
    r = app.test_client().get("/")
    assert r.status_code == 303 and r.headers["Location"] == "/login?next=/profile"
    htmx = app.test_client().get("/", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/login?next=/profile"


def test_the_page_has_details_addresses_and_the_orders_region(client, user):
    html = client.get("/").get_data(as_text=True)
    assert 'id="profile-details"' in html and 'id="addresses"' in html and user["email"] in html
    assert 'id="orders-region"' in html and '<h2 id="orders-title">Your orders</h2>' in html
    for label in ("Name", "Phone", "Address", "City", "Postal code", "Country"):
        assert f">{label}</label>" in html


def test_saving_details_without_js_redirects_back_to_the_profile(client, accounts, user):
    r = post(client, "/details", name="Ada King", phone="+44 20 7946 0958")
    assert r.status_code == 303 and r.headers["Location"] == "/profile"
    me = requests.get(f"{accounts.gateway}/api/users/me", headers=bearer(user), timeout=5).json()
    assert (me["name"], me["phone"]) == ("Ada King", "+442079460958")


def test_saving_details_with_htmx_swaps_the_form_and_tells_the_header(client):
    r = post(client, "/details", htmx=True, name="Ada Byron", phone="")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["HX-Trigger"] == "profile-changed"
    assert html.lstrip().startswith('<section id="profile-details"') and "Your details are saved." in html


def test_an_invalid_phone_shows_its_message_next_to_the_field(client):
    r = post(client, "/details", htmx=True, name="Ada", phone="call me maybe")
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'value="call me maybe"' in html
    assert '<p id="f-phone-error" class="field-error">Enter a valid phone number, e.g. +1 415 555 2671.</p>' in html


def test_adding_an_address_without_js_saves_it_and_redirects(client, accounts, user):
    r = post(client, "/addresses", **ADDRESS)
    assert r.status_code == 303 and r.headers["Location"] == "/profile"
    assert [a["line1"] for a in addresses(accounts, user)] == ["12 Analytical Row"]


def test_adding_an_address_with_htmx_swaps_the_address_book(client):
    r = post(client, "/addresses", htmx=True, **ADDRESS)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and html.lstrip().startswith('<section id="addresses"')
    assert "12 Analytical Row" in html and "Address added." in html


def test_a_bad_country_shows_its_message_and_keeps_what_was_typed(client, accounts, user):
    r = post(client, "/addresses", htmx=True, **{**ADDRESS, "country": "U1"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'value="12 Analytical Row"' in html
    assert '<p id="addr-country-error" class="field-error">Choose a country from the list.</p>' in html
    assert addresses(accounts, user) == []


def test_deleting_an_address(client, accounts, user):
    post(client, "/addresses", **ADDRESS)
    [address] = addresses(accounts, user)
    r = post(client, f"/addresses/{address['id']}/delete", htmx=True)
    assert r.status_code == 200 and "Address deleted." in r.get_data(as_text=True)
    assert addresses(accounts, user) == []
    assert post(client, f"/addresses/{address['id']}/delete").status_code == 303  # already gone: same outcome


def test_a_malformed_address_id_is_404_without_calling_the_api(client):
    assert post(client, "/addresses/..%2F..%2Fusers/delete").status_code == 404


def test_forms_without_the_csrf_token_are_refused(app, user):
    c = app.test_client()
    c.set_cookie("access_token_cookie", user["access_token"])
    assert c.post("/details", data={"name": "Mallory"}).status_code == 403
    assert c.post("/addresses", data=ADDRESS).status_code == 403
