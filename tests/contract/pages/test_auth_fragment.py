"""The auth fragment against a live gateway, auth and users: cookies, CSRF, redirects, messages, sign-out."""

from __future__ import annotations

import re
import uuid

import pytest
import requests

import fragments.auth
from common.web.csrf import CSRF_COOKIE
from tests.support.accounts_apps import accounts_fixture, bearer, new_user

CSRF = "csrf-" + "t" * 30


accounts = accounts_fixture()


@pytest.fixture(scope="module")
def app(accounts):
    return fragments.auth.create_app({"gateway_url": accounts.gateway})


@pytest.fixture()
def client(app):
    c = app.test_client()
    c.set_cookie(CSRF_COOKIE, CSRF)
    return c


@pytest.fixture()
def user(accounts):
    return new_user(accounts.gateway)


def post(client, path, htmx=False, **form):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(path, data={"csrf_token": CSRF, **form}, headers=headers)


def session_cookies(resp) -> dict:
    found = {}
    for header in resp.headers.getlist("Set-Cookie"):
        name = header.split("=", 1)[0]
        if name in ("access_token_cookie", "refresh_token_cookie"):
            found[name] = header
    return found


def test_the_sign_in_form_has_the_agreed_labels_and_a_csrf_field(client):
    html = client.get("/login?next=/profile").get_data(as_text=True)
    assert 'id="auth-panel"' in html and '<label for="f-email">Email</label>' in html
    assert '<label for="f-password">Password</label>' in html and ">Sign in</button>" in html
    assert f'name="csrf_token" value="{CSRF}"' in html and 'name="next" value="/profile"' in html


def test_signing_in_sets_httponly_lax_cookies_and_redirects_with_303(client, user):
    r = post(client, "/login", email=user["email"], password=user["password"], next="/profile")
    assert r.status_code == 303 and r.headers["Location"] == "/profile"
    cookies = session_cookies(r)
    assert set(cookies) == {"access_token_cookie", "refresh_token_cookie"}
    for header in cookies.values():
        assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/" in header
    assert re.search(r"Max-Age=9\d\d", cookies["access_token_cookie"])


def test_with_htmx_signing_in_answers_hx_redirect(client, user):
    r = post(client, "/login", htmx=True, email=user["email"], password=user["password"], next="/")
    assert r.status_code == 200 and r.headers["HX-Redirect"] == "/" and session_cookies(r)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example", "/logout"])
def test_sign_in_never_redirects_off_site_or_back_to_an_auth_page(client, user, target):
    r = post(client, "/login", email=user["email"], password=user["password"], next=target)
    assert r.headers["Location"] == "/"


def test_a_wrong_password_rerenders_the_form_with_the_message_and_no_cookies(client, user):
    r = post(client, "/login", email=user["email"], password="not-the-password")
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "Wrong email or password." in html and 'role="alert"' in html
    assert f'value="{user["email"]}"' in html and "not-the-password" not in html
    assert not session_cookies(r)


def test_a_post_without_the_csrf_token_is_refused(app, user):
    c = app.test_client()
    c.set_cookie(CSRF_COOKIE, CSRF)
    r = c.post("/login", data={"email": user["email"], "password": user["password"]})
    assert r.status_code == 403 and not session_cookies(r)
    r = c.post("/login", data={"email": user["email"], "password": user["password"], "csrf_token": "other"})
    assert r.status_code == 403


def test_too_many_failures_show_a_wait_message_with_429(client, user):
    for i in range(10):
        post(client, "/login", email=user["email"], password=f"guess-{i}")
    r = post(client, "/login", email=user["email"], password=user["password"])
    assert r.status_code == 429 and "Too many attempts" in r.get_data(as_text=True)


def test_signing_up_signs_in_and_redirects_home(client, accounts):
    address = f"new-{uuid.uuid4().hex}@example.com"
    # Padded as a phone keyboard leaves it: the form trims, since the API takes text as sent.
    r = post(client, "/register", name=" Grace Hopper ", email=f"{address} ", password="secret-pass-1")
    assert r.status_code == 303 and r.headers["Location"] == "/"
    token = session_cookies(r)["access_token_cookie"].split(";")[0].split("=", 1)[1]
    me = requests.get(f"{accounts.gateway}/api/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert me.json()["name"] == "Grace Hopper"


@pytest.mark.parametrize(
    "form,field,message",
    [
        ({"password": "short"}, "password", "Use a password of 8 to 128 characters."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"name": "x" * 101}, "name", "Enter your name (up to 100 characters)."),
    ],
)
def test_a_bad_sign_up_field_shows_its_message_next_to_it(client, form, field, message):
    body = {"name": "Ada", "email": f"a-{uuid.uuid4().hex}@example.com", "password": "secret-pass-1", **form}
    r = post(client, "/register", **body)
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert f'<p id="f-{field}-error" class="field-error">{message}</p>' in html
    assert f'id="f-{field}"' in html and 'aria-invalid="true"' in html


def test_signing_up_twice_says_the_email_is_taken(client, user):
    r = post(client, "/register", name="Ada", email=user["email"].upper(), password="secret-pass-1")
    assert r.status_code == 422 and "An account with this email already exists." in r.get_data(as_text=True)


def test_signing_out_revokes_the_tokens_and_clears_the_cookies(client, user, accounts):
    client.set_cookie("access_token_cookie", user["access_token"])
    client.set_cookie("refresh_token_cookie", user["refresh_token"])
    assert "Sign out" in client.get("/logout").get_data(as_text=True)
    r = post(client, "/logout")
    assert r.status_code == 303 and r.headers["Location"] == "/"
    cleared = session_cookies(r)
    assert set(cleared) == {"access_token_cookie", "refresh_token_cookie"}
    assert all("Max-Age=0" in c or "Expires=Thu, 01 Jan 1970" in c for c in cleared.values())
    assert requests.get(f"{accounts.gateway}/api/users/me", headers=bearer(user), timeout=5).status_code == 401
    refreshed = requests.post(
        f"{accounts.gateway}/api/auth/refresh", json={"refresh_token": user["refresh_token"]}, timeout=5
    )
    assert refreshed.status_code == 401


def test_sign_out_with_htmx_answers_hx_redirect_home(client, user):
    client.set_cookie("access_token_cookie", user["access_token"])
    r = post(client, "/logout", htmx=True)
    assert r.headers["HX-Redirect"] == "/" and session_cookies(r)


def test_the_badge_signed_out_offers_sign_in_and_sign_up(client):
    html = client.get("/badge").get_data(as_text=True)
    assert 'id="account"' in html and '<a href="/login">Sign in</a>' in html and ">Create account</a>" in html


def test_the_badge_signed_in_shows_the_name_and_a_sign_out_link(client, user):
    client.set_cookie("access_token_cookie", user["access_token"])
    html = client.get("/badge").get_data(as_text=True)
    assert '<a href="/profile" class="account-name">Ada Tester</a>' in html and ">Sign out</a>" in html


def test_the_badge_with_a_revoked_token_shows_signed_out(client, user, accounts):
    requests.post(f"{accounts.gateway}/api/auth/logout", headers=bearer(user), timeout=5)
    client.set_cookie("access_token_cookie", user["access_token"])
    assert ">Sign in</a>" in client.get("/badge").get_data(as_text=True)


def test_a_failed_guest_cart_merge_keeps_the_guest_cart_cookie(client, user):
    # No orders service is running here, so the merge cannot happen; the guest's cart must not be dropped.
    client.set_cookie("fm_cart", "g" + "1" * 31)
    r = post(client, "/login", email=user["email"], password=user["password"])
    assert r.status_code == 303 and not any(h.startswith("fm_cart=") for h in r.headers.getlist("Set-Cookie"))
