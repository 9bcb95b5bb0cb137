"""The webhooks page of the back office: add an endpoint (secret shown once, a double submit adds one), refusals
beside their field, deliveries with Resend, enable/disable and delete; admins only."""

from __future__ import annotations

import re
import uuid

import pytest

from common.messaging.events import make_event
from services.notifications.deps import deps as notifications_deps
from services.notifications.webhook_handlers import handlers
from tests.support.accounts_apps import new_user
from tests.support.admin_apps import CSRF, back_office_fixture, browser

office = back_office_fixture()
HTMX = {"HX-Request": "true"}


@pytest.fixture()
def admin_client(office):
    return browser(office.admin_app, office.admin_token)


def add(admin_client, url: str, events=("order.confirmed",), key: str | None = None, htmx: bool = False):
    form = {"csrf_token": CSRF, "url": url, "events": list(events), "form_key": key or uuid.uuid4().hex}
    return admin_client.post("/webhooks", data=form, headers=HTMX if htmx else {})


def endpoint_id(html: str) -> str:
    return re.findall(r'href="/admin/webhooks/([0-9a-f]{32})"', html)[0]


@pytest.mark.parametrize("htmx", [False, True])
def test_adding_an_endpoint_shows_its_secret_once(admin_client, htmx):
    url = f"https://hooks-{uuid.uuid4().hex[:8]}.example/in"
    r = add(admin_client, "http://127.0.0.1:9/" + url[8:], htmx=htmx)
    html = r.get_data(as_text=True)
    secret = re.findall(r'id="new-secret"[^>]*value="(whsec_[^"]+)"', html)[0]
    assert r.status_code == 200 and "it is not shown again" in html
    assert secret not in admin_client.get("/webhooks").get_data(as_text=True)
    assert secret not in admin_client.get(f"/webhooks/{endpoint_id(html)}").get_data(as_text=True)


def test_the_same_form_sent_twice_adds_one_endpoint_and_shows_the_same_secret(admin_client):
    url, key = f"http://127.0.0.1:9/{uuid.uuid4().hex}", uuid.uuid4().hex
    first, second = add(admin_client, url, key=key), add(admin_client, url, key=key)
    secrets = [re.findall(r'value="(whsec_[^"]+)"', r.get_data(as_text=True))[0] for r in (first, second)]
    assert secrets[0] == secrets[1] and admin_client.get("/webhooks").get_data(as_text=True).count(url) == 1


@pytest.mark.parametrize(
    ("url", "events", "field", "says"),
    [
        ("ftp://example.com/in", ["order.placed"], "url", "Enter the receiver&#39;s URL, starting with https://"),
        ("", ["order.placed"], "url", "Enter the receiver&#39;s URL"),
        ("http://127.0.0.1:9/x", [], "events", "Choose at least one event"),
        ("http://127.0.0.1:9/x", ["order.exploded"], "events", "Choose at least one event"),
    ],
)
def test_a_refusal_is_shown_beside_its_field_with_and_without_js(admin_client, url, events, field, says):
    for headers in ({}, HTMX):
        form = {"csrf_token": CSRF, "url": url, "events": events, "form_key": uuid.uuid4().hex}
        r = admin_client.post("/webhooks", data=form, headers=headers)
        html = r.get_data(as_text=True)
        assert r.status_code == 422 and f'id="f-{field}-error"' in html and says in html
        assert f'<a href="#f-{field}">' in html  # the error summary links to the field


def test_markup_in_a_url_is_shown_as_text(admin_client):
    html = add(admin_client, 'http://127.0.0.1:9/"><script>alert(1)</script>').get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html


def test_deliveries_are_listed_and_resent_and_the_endpoint_disabled_and_deleted(office, admin_client):
    html = add(admin_client, f"http://127.0.0.1:9/{uuid.uuid4().hex}").get_data(as_text=True)
    endpoint = endpoint_id(html)
    hooks = notifications_deps(office.apps["notifications"]).webhooks
    handlers(hooks, lambda: None)["order.confirmed"](make_event("order.confirmed", {"order_id": "o1"}, "orders"))
    page = admin_client.get(f"/webhooks/{endpoint}").get_data(as_text=True)
    delivery = re.findall(r'id="delivery-(msg_[0-9a-f]{32})"', page)[0]
    assert "order.confirmed" in page and "Resend" in page and "Pending" in page
    r = admin_client.post(f"/webhooks/{endpoint}/deliveries/{delivery}/resend", data={"csrf_token": CSRF})
    assert r.status_code == 303 and r.headers["Location"] == f"/admin/webhooks/{endpoint}?done=resend"
    r = admin_client.post(f"/webhooks/{endpoint}/disable", data={"csrf_token": CSRF})
    assert "Disabled" in admin_client.get(f"/webhooks/{endpoint}").get_data(as_text=True)
    r = admin_client.post(f"/webhooks/{endpoint}/deliveries/{delivery}/resend", data={"csrf_token": CSRF})
    assert r.status_code == 409 and "Enable the endpoint before resending." in r.get_data(as_text=True)
    asked = admin_client.post(f"/webhooks/{endpoint}/delete", data={"csrf_token": CSRF})
    assert asked.status_code == 200 and "Yes, delete endpoint" in asked.get_data(as_text=True)
    assert admin_client.get(f"/webhooks/{endpoint}").status_code == 200  # only asked
    r = admin_client.post(f"/webhooks/{endpoint}/delete", data={"csrf_token": CSRF, "confirmed": "yes"})
    assert r.status_code == 303 and admin_client.get(f"/webhooks/{endpoint}").status_code == 404


def test_a_customer_gets_403_and_a_form_without_its_csrf_token_is_refused(office, admin_client):
    customer = browser(office.admin_app, new_user(office.gateway)["access_token"])
    assert customer.get("/webhooks").status_code == 403
    r = admin_client.post("/webhooks", data={"url": "http://127.0.0.1:9/x", "events": ["order.placed"]})
    assert r.status_code in (400, 403)
