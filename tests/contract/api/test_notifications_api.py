"""Notifications: the welcome email over real SMTP, the SMS adapter, the delivery log and its API."""

from __future__ import annotations

import uuid

import pytest
import requests

import services.auth
import services.notifications
from common.messaging.events import make_event
from common.settings import load_settings
from devstack.probes import free_port
from devstack.smtp_sink import read_messages
from services.notifications.consumers import all_handlers
from services.notifications.deps import deps as notifications_deps
from tests.support.servers import serving


@pytest.fixture(scope="module")
def auth_url(redis_url, tmp_path_factory):
    app = services.auth.create_app(
        {"redis_url": redis_url, "run_workers": False, "keys_dir": str(tmp_path_factory.mktemp("keys"))}
    )
    with serving(app) as url:
        yield url


def _app(redis_url, auth_url, smtp_url):
    urls = {**load_settings("test").service_urls, "auth": auth_url}
    return services.notifications.create_app(
        {
            "redis_url": redis_url,
            "run_workers": False,
            "service_urls": urls,
            "smtp_url": smtp_url,
            "shop_url": "https://shop.example",
            "sms_provider": "log",  # SMS_PROVIDER=log: texts only in the JSON log (test_sms.py covers the stand-in)
        }
    )


@pytest.fixture(scope="module")
def app(redis_url, auth_url, smtp_sink):
    return _app(redis_url, auth_url, smtp_sink.url)


@pytest.fixture(scope="module")
def handlers(app):
    return all_handlers(notifications_deps(app).notifier)


@pytest.fixture()
def user(auth_url):
    address = f"ada-{uuid.uuid4().hex}@example.com"
    body = requests.post(
        f"{auth_url}/api/auth/register",
        json={"email": address, "password": "secret-pass-1", "name": "Ada <Tester>"},
        timeout=10,
    ).json()
    return {"id": body["user"]["id"], "email": address, "headers": {"Authorization": f"Bearer {body['access_token']}"}}


def registered(user, role="customer"):
    return make_event(
        "user.registered", {"user_id": user["id"], "email": user["email"], "name": "Ada <Tester>", "role": role}, "auth"
    )


def test_user_registered_sends_one_welcome_email_rendered_from_the_templates(handlers, user, smtp_sink):
    handlers["user.registered"](registered(user))
    [mail] = read_messages(smtp_sink.dir, to=user["email"])
    assert mail["subject"] == "Welcome to Fragmart, Ada <Tester>!"
    assert "https://shop.example/products" in mail["body"]
    assert "Ada &lt;Tester&gt;" in mail["html"] and "<Tester>" not in mail["html"]  # escaped in HTML only


def test_a_replayed_user_registered_sends_nothing_twice(handlers, user, smtp_sink):
    event = registered(user)
    handlers["user.registered"](event)
    handlers["user.registered"](event)
    handlers["user.registered"](registered(user))  # the same fact under a new event id
    assert len(read_messages(smtp_sink.dir, to=user["email"])) == 1


def test_the_admin_account_gets_no_welcome_email(handlers, user, smtp_sink):
    handlers["user.registered"](registered(user, role="admin"))
    assert read_messages(smtp_sink.dir, to=user["email"]) == []


def test_my_delivery_log_lists_my_emails_and_sms_newest_first(app, client, handlers, user):
    handlers["user.registered"](registered(user))
    notifications_deps(app).notifier.send_sms("+15550100", "Your order shipped", user["id"])
    r = client.get("/api/notifications", headers=user["headers"])
    assert r.status_code == 200 and r.json["total"] == 2
    sms, email = r.json["items"]
    assert (sms["channel"], sms["status"], sms["body"]) == ("sms", "sent", "Your order shipped")
    assert (email["channel"], email["template"], email["to"], email["status"]) == (
        "email",
        "welcome",
        user["email"],
        "sent",
    )


def test_nobody_sees_another_users_notifications(client, handlers, user, auth_url):
    handlers["user.registered"](registered(user))
    other = requests.post(
        f"{auth_url}/api/auth/register",
        json={"email": f"bob-{uuid.uuid4().hex}@example.com", "password": "secret-pass-1", "name": "Bob"},
        timeout=10,
    ).json()
    r = client.get("/api/notifications", headers={"Authorization": f"Bearer {other['access_token']}"})
    assert r.status_code == 200 and r.json["items"] == []


def test_the_log_needs_a_token(client):
    assert client.get("/api/notifications").status_code == 401


@pytest.mark.parametrize("query", ["page=0", "per_page=1000", "page=x"])
def test_bad_paging_is_422(client, user, query):
    assert client.get(f"/api/notifications?{query}", headers=user["headers"]).status_code == 422


def test_a_failed_email_is_logged_as_failed_and_raised_so_the_consumer_retries(redis_url, auth_url, user):
    down = _app(redis_url, auth_url, f"smtp://127.0.0.1:{free_port()}")
    notifier = notifications_deps(down).notifier
    with pytest.raises(OSError):
        notifier.send_email(
            user["email"], "welcome", {"name": "Ada", "email": user["email"]}, user["id"], key=f"welcome:{user['id']}"
        )
    [doc] = notifier.repo.deliveries.find({"user_id": user["id"]})
    assert doc["status"] == "failed" and "Connection" in doc["error"]


def test_a_template_missing_its_data_fails_loudly_instead_of_mailing_blanks(app, user):
    with pytest.raises(Exception, match="name"):
        notifications_deps(app).notifier.send_email(user["email"], "welcome", {}, user["id"])


def test_readiness_includes_the_smtp_server(client):
    assert client.get("/readyz").json["checks"]["smtp"] == "ok"


def test_two_handler_modules_cannot_claim_one_topic(app):
    from services.notifications import account_handlers

    with pytest.raises(ValueError, match="user.registered"):
        all_handlers(notifications_deps(app).notifier, modules=(account_handlers, account_handlers))
