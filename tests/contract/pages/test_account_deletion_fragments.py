"""The profile's "Delete my account" against a live gateway and auth: the form, a wrong password beside the field
(with and without htmx), and once deleted the cookies gone and the sign-in page saying so."""

from __future__ import annotations

import pytest
import requests

import fragments.auth
import fragments.profile
from common.web.csrf import CSRF_COOKIE
from tests.support.accounts_apps import ADMIN, accounts_fixture, new_user

CSRF = "csrf-" + "d" * 30
accounts = accounts_fixture()


@pytest.fixture(scope="module")
def profile_app(accounts):
    return fragments.profile.create_app({"gateway_url": accounts.gateway})


@pytest.fixture()
def user(accounts):
    return new_user(accounts.gateway)


def browser(app, user: dict):
    c = app.test_client()
    c.set_cookie(CSRF_COOKIE, CSRF)
    c.set_cookie("access_token_cookie", user["access_token"])
    return c


def post(client, htmx=False, **form):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post("/account/delete", data={"csrf_token": CSRF, **form}, headers=headers)


def test_the_profile_page_has_the_delete_my_account_form(profile_app, user):
    html = browser(profile_app, user).get("/").get_data(as_text=True)
    assert 'id="profile-delete-account"' in html and '<h2 id="delete-account-title">Delete my account</h2>' in html
    assert '<label for="da-password">Password</label>' in html and 'class="btn btn-danger">Delete my account' in html
    region = html.split('id="profile-delete-account"', 1)[1].split("</section>", 1)[0]
    assert 'name="form_key"' in region  # a double click without JavaScript is applied once (common/web/form_keys.py)


@pytest.mark.parametrize("htmx", [False, True], ids=["nojs", "htmx"])
def test_a_wrong_password_is_said_beside_the_field(profile_app, user, htmx):
    r = post(browser(profile_app, user), htmx=htmx, password="not-my-password")
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'id="profile-delete-account"' in html
    assert 'aria-describedby="da-password-error"' in html and "That is not your password." in html


def test_the_last_admin_is_told_beside_the_field(profile_app, accounts):
    tokens = requests.post(f"{accounts.gateway}/api/auth/login", json=ADMIN, timeout=10).json()
    r = post(browser(profile_app, tokens), password=ADMIN["password"])
    assert r.status_code == 409 and "make someone else an admin first" in r.get_data(as_text=True)


@pytest.mark.parametrize("htmx", [False, True], ids=["nojs", "htmx"])
def test_once_deleted_the_cookies_go_and_the_sign_in_page_says_the_account_is_deleted(
    accounts, profile_app, user, htmx
):
    r = post(browser(profile_app, user), htmx=htmx, password=user["password"])
    where = r.headers["HX-Redirect"] if htmx else r.headers["Location"]
    assert r.status_code == (200 if htmx else 303) and where == "/login?signed_out=deleted"
    cleared = [c for c in r.headers.getlist("Set-Cookie") if c.startswith(("access_token_cookie=", "refresh_token"))]
    assert len(cleared) == 2 and all("Max-Age=0" in c or "expires=Thu, 01 Jan 1970" in c for c in cleared)
    login = fragments.auth.create_app({"gateway_url": accounts.gateway}).test_client().get("/login?signed_out=deleted")
    assert "Your account is deleted and every device is signed out." in login.get_data(as_text=True)
