"""The shell's silent refresh: one refresh per request, new cookies to the browser and to every fragment."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

import fragments.auth
import fragments.profile
import shell
from common.settings import load_settings
from tests.support.accounts_apps import accounts_fixture, new_user
from tests.support.servers import serving

accounts = accounts_fixture()


@pytest.fixture(scope="module")
def app(accounts):
    config = {"gateway_url": accounts.gateway}
    with serving(fragments.auth.create_app(config)) as auth, serving(fragments.profile.create_app(config)) as profile:
        urls = {**load_settings("test").fragment_urls, "auth": auth, "profile": profile}
        yield shell.create_app({**config, "fragment_urls": urls})


@pytest.fixture()
def user(accounts):
    return new_user(accounts.gateway, name="Refreshing Rita")


def set_cookies(resp) -> dict:
    out = {}
    for header in resp.headers.getlist("Set-Cookie"):
        name, _, rest = header.partition("=")
        out[name] = rest.split(";")[0]
    return out


def test_an_expired_access_cookie_is_renewed_once_and_the_page_renders_signed_in(app, user, accounts):
    c = app.test_client()
    c.set_cookie("refresh_token_cookie", user["refresh_token"])  # the access cookie has expired away
    r = c.get("/profile")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Refreshing Rita" in html and 'id="profile-details"' in html
    cookies = set_cookies(r)
    assert cookies["access_token_cookie"] and cookies["refresh_token_cookie"] != user["refresh_token"]
    # Exactly one rotation happened: the new refresh token is the family's current one and still works.
    again = requests.post(
        f"{accounts.gateway}/api/auth/refresh", json={"refresh_token": cookies["refresh_token_cookie"]}, timeout=5
    )
    assert again.status_code == 200


def test_a_valid_access_cookie_means_no_refresh(app, user):
    c = app.test_client()
    c.set_cookie("access_token_cookie", user["access_token"])
    c.set_cookie("refresh_token_cookie", user["refresh_token"])
    r = c.get("/profile")
    assert r.status_code == 200 and "access_token_cookie" not in set_cookies(r)


def test_a_revoked_session_clears_the_cookies_and_the_page_is_signed_out(app, user, accounts):
    requests.post(f"{accounts.gateway}/api/auth/logout", json={"refresh_token": user["refresh_token"]}, timeout=5)
    c = app.test_client()
    c.set_cookie("refresh_token_cookie", user["refresh_token"])
    r = c.get("/login")
    html = r.get_data(as_text=True)
    assert set_cookies(r)["refresh_token_cookie"] == "" and ">Sign in</a>" in html


def test_a_sign_in_answer_decides_the_cookies_even_when_a_refresh_happened(app, user, accounts):
    other = new_user(accounts.gateway)
    c = app.test_client()
    page = c.get("/login")
    token = set_cookies(page)["fm_csrf"]
    c.set_cookie("refresh_token_cookie", other["refresh_token"])  # an old session in this browser
    r = c.post("/f/auth/login", data={"csrf_token": token, "email": user["email"], "password": user["password"]})
    assert r.status_code == 303
    access = [h for h in r.headers.getlist("Set-Cookie") if h.startswith("access_token_cookie=")]
    assert len(access) == 1  # only the fragment's, for the user who just signed in
    me = requests.get(
        f"{accounts.gateway}/api/users/me",
        headers={"Authorization": f"Bearer {set_cookies(r)['access_token_cookie']}"},
        timeout=5,
    )
    assert me.json()["email"] == user["email"]


def test_the_sign_out_page_is_a_csrf_protected_form(app, user):
    c = app.test_client()
    c.set_cookie("access_token_cookie", user["access_token"])
    html = c.get("/logout").get_data(as_text=True)
    assert 'action="/f/auth/logout" method="post"' in html and 'name="csrf_token"' in html
    assert c.post("/f/auth/logout").status_code == 403


def test_an_htmx_post_without_a_form_carries_its_csrf_header_through_the_shell(app, user):
    c = app.test_client()
    token = set_cookies(c.get("/login"))["fm_csrf"]
    c.set_cookie("access_token_cookie", user["access_token"])
    r = c.post("/f/auth/logout", headers={"HX-Request": "true", "X-CSRF-Token": token})
    assert r.status_code == 200 and r.headers["HX-Redirect"] == "/"


def test_parallel_requests_of_one_session_with_an_expired_access_cookie_all_stay_signed_in(app, user):
    """Issue 19.3: a page, the mini-cart and an htmx add sent at once each refresh with the same refresh cookie;
    every one renders signed in, and none clears the session."""
    with serving(app) as base, ThreadPoolExecutor(5) as pool:
        answers = list(
            pool.map(
                lambda _: requests.get(
                    f"{base}/profile", cookies={"refresh_token_cookie": user["refresh_token"]}, timeout=15
                ),
                range(5),
            )
        )
    assert [r.status_code for r in answers] == [200] * 5
    assert all("Refreshing Rita" in r.text for r in answers)
    assert all(r.cookies.get("refresh_token_cookie") for r in answers)
