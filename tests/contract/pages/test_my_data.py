"""Issue 21's "Download my data" through the shell's /profile/my-data against live services: the signed-in shopper
gets a JSON attachment of their own profile, addresses, orders and delivery log (nobody else's), never cached;
signed out, or with forged cookies, the browser is sent to sign in, never a 500."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime

import pytest
import requests

import fragments.profile
import shell
from common.settings import load_settings
from services.notifications.deps import deps as notifications_deps
from tests.support.accounts_apps import bearer, new_user
from tests.support.checkout_apps import serve_shop
from tests.support.servers import free_port, serving

ADDRESS = {"name": "Ada Lovelace", "line1": "12 Analytical Row", "city": "London", "postal_code": "N1 9GU"}
FILE = re.compile(r'attachment; filename="fragmart-my-data-(\d{4}-\d{2}-\d{2})\.json"')
SIGN_IN = "/login?next=/profile"


@pytest.fixture(scope="module")
def shop(redis_url, tmp_path_factory):
    with serve_shop(redis_url, str(tmp_path_factory.mktemp("keys"))) as shop:
        yield shop


@pytest.fixture(scope="module")
def shell_app(shop, redis_url):
    config = {"redis_url": redis_url, "gateway_url": shop.gateway}
    with serving(fragments.profile.create_app(config)) as profile:
        urls = {**load_settings("test").fragment_urls, "profile": profile}
        yield shell.create_app({**config, "fragment_urls": urls})


def shopper(shop, name: str) -> dict:
    """A new account with an address, an order and one email in its delivery log."""
    user = new_user(shop.gateway, name=name)
    added = requests.post(
        f"{shop.gateway}/api/users/me/addresses", json={**ADDRESS, "country": "GB"}, headers=bearer(user), timeout=10
    )
    assert added.status_code == 201, added.text
    placed = requests.post(
        f"{shop.gateway}/api/orders",
        json={"address": {**ADDRESS, "country": "GB"}, "lines": [{"product_id": "fountain-pen", "quantity": 1}]},
        headers={**bearer(user), "Idempotency-Key": f"order-{uuid.uuid4().hex}"},
        timeout=10,
    )
    assert placed.status_code == 202, placed.text
    repo = notifications_deps(shop.notifications).repo
    delivery = {
        "_id": f"welcome:{user['id']}",
        "user_id": user["id"],
        "channel": "email",
        "to": user["email"],
        "template": "welcome",
        "subject": f"Welcome, {name}",
    }
    repo.claim(delivery)
    repo.mark(delivery["_id"], "sent")
    return {**user, "order_id": placed.json()["id"], "delivery_id": delivery["_id"]}


def browser(app, user: dict | None = None, **cookies):
    c = app.test_client()
    if user:
        c.set_cookie("access_token_cookie", user["access_token"])
        c.set_cookie("refresh_token_cookie", user["refresh_token"])
    for name, value in cookies.items():
        c.set_cookie(name, value)
    return c


def test_the_shopper_downloads_their_own_data_and_nobody_elses(shell_app, shop):
    ada, bob = shopper(shop, "Ada Export"), shopper(shop, "Bob Other")
    for me, other in ((ada, bob), (bob, ada)):  # one shell, one after the other: nothing kept between them
        r = browser(shell_app, me).get("/profile/my-data")
        assert r.status_code == 200, r.get_data(as_text=True)[:500]
        assert r.headers["Content-Type"] == "application/json"
        assert r.headers["Cache-Control"] == "no-store"
        found = FILE.fullmatch(r.headers["Content-Disposition"])
        assert found and found.group(1) == datetime.now(UTC).strftime("%Y-%m-%d")
        data = json.loads(r.get_data())
        assert data["format_version"] == 1 and data["exported_at"].endswith("Z") and data["truncated"] == []
        assert data["profile"]["id"] == me["id"] and data["profile"]["email"] == me["email"]
        assert data["profile"]["name"] == me["name"] and data["profile"]["email_verified"] is False
        assert [a["line1"] for a in data["addresses"]] == [ADDRESS["line1"]]
        assert [o["id"] for o in data["orders"]] == [me["order_id"]]
        assert [d["id"] for d in data["delivery_log"]] == [me["delivery_id"]]
        entry = data["delivery_log"][0]
        assert entry["channel"] == "email" and entry["template"] == "welcome" and entry["status"] == "sent"
        assert entry["sent_at"] and entry["subject"] == f"Welcome, {me['name']}"
        text = r.get_data(as_text=True)
        assert other["id"] not in text and other["email"] not in text and other["order_id"] not in text


def test_every_page_of_orders_is_in_the_file(shell_app, shop, monkeypatch):
    monkeypatch.setattr(fragments.profile.export, "PER_PAGE", 1)  # the fragment runs in this process
    user = shopper(shop, "Many Orders")
    second = requests.post(
        f"{shop.gateway}/api/orders",
        json={"address": {**ADDRESS, "country": "GB"}, "lines": [{"product_id": "fountain-pen", "quantity": 2}]},
        headers={**bearer(user), "Idempotency-Key": f"order-{uuid.uuid4().hex}"},
        timeout=10,
    )
    assert second.status_code == 202
    data = json.loads(browser(shell_app, user).get("/profile/my-data").get_data())
    assert {o["id"] for o in data["orders"]} == {user["order_id"], second.json()["id"]}


def test_an_expired_access_cookie_is_refreshed_like_a_page(shell_app, shop):
    user = new_user(shop.gateway, name="Refresh Rita")
    c = browser(shell_app, refresh_token_cookie=user["refresh_token"])
    r = c.get("/profile/my-data")
    assert r.status_code == 200 and json.loads(r.get_data())["profile"]["id"] == user["id"]
    assert any(h.startswith("access_token_cookie=") for h in r.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize(
    "cookies",
    [
        {},
        {"access_token_cookie": "not-a-jwt"},
        {"access_token_cookie": "a.b.c", "refresh_token_cookie": "forged"},
        {"refresh_token_cookie": "x" * 300},
        {"access_token_cookie": "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."},
    ],
    ids=["none", "garbage-access", "forged-both", "forged-refresh", "alg-none"],
)
def test_signed_out_or_forged_cookies_are_sent_to_sign_in(shell_app, cookies):
    r = browser(shell_app, **cookies).get("/profile/my-data")
    assert r.status_code == 303 and r.headers["Location"] == SIGN_IN
    assert "Content-Disposition" not in r.headers


def test_the_file_is_not_a_fragment(shell_app, shop):
    """Through the /f/ proxy the fragment's file route is a 404: it is never composed into a page."""
    user = new_user(shop.gateway)
    for headers in ({}, {"HX-Request": "true"}):
        r = browser(shell_app, user).get("/f/profile/my-data", headers=headers)
        assert r.status_code == 404 and user["email"] not in r.get_data(as_text=True)
        assert "Content-Disposition" not in r.headers


def test_the_profile_links_to_the_download(shell_app, shop):
    html = browser(shell_app, new_user(shop.gateway)).get("/profile").get_data(as_text=True)
    assert 'id="profile-data"' in html and "Your data</h2>" in html
    assert re.search(r'<a class="btn" href="/profile/my-data" download hx-boost="false">Download my data</a>', html)


def test_an_outage_is_the_error_page_never_half_a_file(shop, redis_url):
    """The profile fragment unreachable, then the users API: a 503 page, no attachment."""
    user = new_user(shop.gateway)
    dead = f"http://127.0.0.1:{free_port()}"
    urls = load_settings("test").fragment_urls
    no_fragment = shell.create_app(
        {"redis_url": redis_url, "gateway_url": shop.gateway, "fragment_urls": {**urls, "profile": dead}}
    )
    config = {"redis_url": redis_url, "gateway_url": dead}  # the fragment's API calls go nowhere
    with serving(fragments.profile.create_app(config)) as profile:
        no_api = shell.create_app(
            {**config, "gateway_url": shop.gateway, "fragment_urls": {**urls, "profile": profile}}
        )
        for app in (no_fragment, no_api):
            r = browser(app, user).get("/profile/my-data")
            assert r.status_code == 503 and "Content-Disposition" not in r.headers
            assert r.mimetype == "text/html" and user["email"] not in r.get_data(as_text=True)
