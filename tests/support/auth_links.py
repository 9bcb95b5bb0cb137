"""The auth service and the notifications handlers as the emailed-link tests use them (a password reset, an email
confirmation): the auth service without workers (its outbox keeps the events), notifications' handlers to hand them
to, and a test client from an address of its own (per-IP limits of one test never touch another)."""

from __future__ import annotations

import random

import pytest

import services.auth
import services.notifications
from services.notifications.consumers import all_handlers
from services.notifications.deps import deps as notifications_deps

SHOP_URL = "https://shop.example"


def auth_app(redis_url: str, keys_dir: str):
    return services.auth.create_app(
        {"redis_url": redis_url, "run_workers": False, "keys_dir": keys_dir, "shop_url": SHOP_URL}
    )


def mail_handlers(service_config, smtp_sink, sms_standin) -> dict:
    config = service_config(smtp_url=smtp_sink.url, shop_url=SHOP_URL, sms_status_callback_url="")
    app = services.notifications.create_app({**config, **sms_standin.settings})
    return all_handlers(notifications_deps(app).notifier)


def client_of_its_own(app):
    c = app.test_client()
    c.environ_base["HTTP_X_FORWARDED_FOR"] = (
        f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    )
    return c


def link_fixtures():
    """The module-scoped `app` and `mailer` and a per-test `client` of an emailed-link test module; bind them there as
    `app, mailer, client = link_fixtures()`."""

    @pytest.fixture(scope="module")
    def app(redis_url, tmp_path_factory):
        return auth_app(redis_url, str(tmp_path_factory.mktemp("keys")))

    @pytest.fixture(scope="module")
    def mailer(service_config, smtp_sink, sms_standin):
        return mail_handlers(service_config, smtp_sink, sms_standin)

    @pytest.fixture()
    def client(app):
        return client_of_its_own(app)

    return app, mailer, client
