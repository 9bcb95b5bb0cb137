"""The "Change email" fragments against a live gateway, auth and users: the profile's form (with and without htmx,
refusals beside their field) and the auth fragment's pages for the confirm and undo links."""

from __future__ import annotations

import uuid

import pytest

import fragments.auth
import fragments.profile
from common.web.csrf import CSRF_COOKIE
from services.auth.deps import deps as auth_deps
from tests.support.accounts_apps import accounts_fixture, new_user

CSRF = "csrf-" + "e" * 30
accounts = accounts_fixture()


@pytest.fixture(scope="module")
def profile_app(accounts):
    return fragments.profile.create_app({"gateway_url": accounts.gateway})


@pytest.fixture(scope="module")
def auth_app(accounts):
    return fragments.auth.create_app({"gateway_url": accounts.gateway})


@pytest.fixture()
def user(accounts):
    return new_user(accounts.gateway)


def browser(app, user: dict | None = None):
    c = app.test_client()
    c.set_cookie(CSRF_COOKIE, CSRF)
    if user:
        c.set_cookie("access_token_cookie", user["access_token"])
    return c


def post(client, path, htmx=False, **form):
    return client.post(path, data={"csrf_token": CSRF, **form}, headers={"HX-Request": "true"} if htmx else {})


def confirm_token(accounts, new_email: str) -> str:
    links = auth_deps(accounts.auth_app).resets.resets
    for doc in links.find({"purpose": "email_change", "new_email": new_email}):
        return doc["_outbox"][0]["data"]["confirm_url"].rsplit("/", 1)[1]
    raise AssertionError(f"no link to {new_email}")


def test_the_profile_page_has_the_change_email_form(profile_app, user):
    html = browser(profile_app, user).get("/").get_data(as_text=True)
    assert 'id="profile-email-change"' in html and '<h2 id="email-change-title">Change email</h2>' in html
    assert '<label for="ec-new_email">New email</label>' in html
    assert '<label for="ec-current_password">Current password</label>' in html
    assert html.count('id="ec-current_password"') == 1 and html.count('id="f-current_password"') == 1


def test_without_js_a_change_redirects_to_the_profile_which_says_the_link_is_on_its_way(profile_app, user):
    c, new = browser(profile_app, user), f"moved-{uuid.uuid4().hex}@example.com"
    r = post(c, "/email/change", new_email=new, current_password=user["password"])
    assert r.status_code == 303 and r.headers["Location"] == "/profile?email_change=sent"
    html = c.get("/?email_change=sent").get_data(as_text=True)
    assert "We&#39;ve emailed a link to your new address." in html


def test_with_htmx_the_region_says_where_the_link_went(profile_app, user):
    new = f"moved-{uuid.uuid4().hex}@example.com"
    r = post(browser(profile_app, user), "/email/change", htmx=True, new_email=new, current_password=user["password"])
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="profile-email-change"' in html and 'role="status"' in html and new in html


@pytest.mark.parametrize("htmx", [False, True], ids=["nojs", "htmx"])
def test_refusals_show_beside_their_field_and_keep_the_typed_address(profile_app, accounts, user, htmx):
    c, other = browser(profile_app, user), new_user(accounts.gateway)
    wrong = post(c, "/email/change", htmx=htmx, new_email="x@example.com", current_password="not-my-password")
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and 'aria-describedby="ec-current_password-error"' in html
    assert "That is not your current password." in html and 'value="x@example.com"' in html
    taken = post(c, "/email/change", htmx=htmx, new_email=other["email"], current_password=user["password"])
    html = taken.get_data(as_text=True)
    assert taken.status_code == 409 and 'aria-describedby="ec-new_email-error"' in html
    assert "Another account uses this email address." in html
    same = post(c, "/email/change", htmx=htmx, new_email=user["email"], current_password=user["password"])
    assert same.status_code == 409 and "That is your email address already." in same.get_data(as_text=True)
    bad = post(c, "/email/change", htmx=htmx, new_email="not an address", current_password=user["password"])
    assert bad.status_code == 422 and "Enter a valid email address." in bad.get_data(as_text=True)


def test_the_form_needs_the_csrf_token_and_a_session(profile_app, user):
    c = profile_app.test_client()
    c.set_cookie("access_token_cookie", user["access_token"])
    assert c.post("/email/change", data={"new_email": "a@example.com", "current_password": "x"}).status_code == 403
    signed_out = post(browser(profile_app), "/email/change", new_email="a@example.com", current_password="x")
    assert signed_out.status_code == 303 and signed_out.headers["Location"] == "/login?next=/profile"


@pytest.mark.parametrize("kind", ["confirm", "undo"])
def test_opening_a_link_changes_nothing_and_a_wrong_one_says_so(auth_app, kind):
    c = browser(auth_app)
    page = c.get(f"/{kind}-email-change/{'t' * 43}")
    assert page.status_code == 200 and 'type="submit"' in page.get_data(as_text=True)
    assert "has expired" in c.get(f"/{kind}-email-change/short").get_data(as_text=True)
    used = post(c, f"/{kind}-email-change/{'t' * 43}")
    assert used.status_code == 400 and 'role="alert"' in used.get_data(as_text=True)


def test_the_confirm_page_changes_the_email_once(auth_app, profile_app, accounts, user):
    new = f"moved-{uuid.uuid4().hex}@example.com"
    post(browser(profile_app, user), "/email/change", new_email=new, current_password=user["password"])
    token, c = confirm_token(accounts, new), browser(auth_app)
    done = post(c, f"/confirm-email-change/{token}", htmx=True)
    assert done.status_code == 200 and f"Your email address is now {new}." in done.get_data(as_text=True)
    again = post(c, f"/confirm-email-change/{token}")
    assert again.status_code == 400 and "not valid" in again.get_data(as_text=True)


def test_the_undo_page_puts_the_old_email_back_and_drops_this_browsers_session(auth_app, profile_app, accounts, user):
    new = f"moved-{uuid.uuid4().hex}@example.com"
    post(browser(profile_app, user), "/email/change", new_email=new, current_password=user["password"])
    c = browser(auth_app, user)
    assert post(c, f"/confirm-email-change/{confirm_token(accounts, new)}").status_code == 200
    doc = auth_deps(accounts.auth_app).repo.accounts.find_one({"_id": user["id"]})
    [changed] = [e["data"] for e in doc["_outbox"] if e["type"] == "account.email_changed"]
    undone = post(c, f"/undo-email-change/{changed['undo_url'].rsplit('/', 1)[1]}")
    html = undone.get_data(as_text=True)
    assert undone.status_code == 200 and f"Your email address is {user['email']} again" in html
    assert 'href="/forgot-password"' in html
    assert any(h.startswith("access_token_cookie=;") for h in undone.headers.getlist("Set-Cookie"))


def test_asking_too_often_is_said_in_the_form(profile_app, user):
    c = browser(profile_app, user)
    for _ in range(5):
        new = f"moved-{uuid.uuid4().hex}@example.com"
        assert post(c, "/email/change", htmx=True, new_email=new, current_password=user["password"]).status_code == 200
    r = post(c, "/email/change", htmx=True, new_email="late@example.com", current_password=user["password"])
    html = r.get_data(as_text=True)
    assert r.status_code == 429 and r.headers["Retry-After"].isdigit() and "Too many tries." in html
    assert 'id="profile-email-change"' in html and 'value="late@example.com"' in html
