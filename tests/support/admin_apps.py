"""The back office served for contract tests: the real services it calls, a gateway, the admin fragment, a shell."""

from __future__ import annotations

import contextlib
from types import SimpleNamespace

import pytest
import requests

import fragments.admin
import fragments.products
import gateway
import services.auth
import services.inventory
import services.notifications
import services.orders
import services.payments
import services.products
import services.users
import shell
from common.auth.session import ACCESS_COOKIE
from common.settings import load_settings
from common.web.csrf import CSRF_COOKIE
from services.inventory.deps import deps as inventory_deps
from services.products.seed import seed_stock
from tests.support.accounts_apps import ADMIN
from tests.support.payflow import pay_standin
from tests.support.servers import free_port, serving

CSRF = "csrf-" + "a" * 30
SERVICES = (
    ("users", services.users),
    ("products", services.products),
    ("inventory", services.inventory),
    ("orders", services.orders),
    ("notifications", services.notifications),
    ("payments", services.payments),
)


@contextlib.contextmanager
def serve_back_office(redis_url: str, keys_dir: str):
    """Live auth (with the admin account), the services the back office uses, a gateway, the admin fragment
    and a shell whose other fragments are absent. Workers are off: no broker in contract tests."""
    base = {"redis_url": redis_url, "run_workers": False}
    with contextlib.ExitStack() as stack:
        provider = stack.enter_context(pay_standin())
        auth_app = services.auth.create_app(
            {**base, "keys_dir": keys_dir, "admin_email": ADMIN["email"], "admin_password": ADMIN["password"]}
        )
        urls = {**load_settings("test").service_urls, "auth": stack.enter_context(serving(auth_app))}
        apps = {"auth": auth_app}
        for name, module in SERVICES:
            # Webhook receivers in tests listen on loopback (WEBHOOKS_ALLOW_PRIVATE=1, as for a local receiver).
            extra = {"webhooks_allow_private": True} if name == "notifications" else {}
            extra |= provider.settings() if name == "payments" else {}
            apps[name] = module.create_app({**base, "service_urls": urls, **extra})
            urls[name] = stack.enter_context(serving(apps[name]))
        for sku, product_id, units in seed_stock():
            inventory_deps(apps["inventory"]).stock.ensure(sku, product_id, units)
        gw = stack.enter_context(
            serving(gateway.create_app({**base, "service_urls": urls, "rate_limit_writes": "10000/minute"}))
        )
        admin_app = fragments.admin.create_app({**base, "gateway_url": gw})
        admin_url = stack.enter_context(serving(admin_app))
        products_url = stack.enter_context(serving(fragments.products.create_app({**base, "gateway_url": gw})))
        dead = f"http://127.0.0.1:{free_port()}"
        shell_app = shell.create_app(
            {
                **base,
                "gateway_url": gw,  # the shell checks an upload's admin token against the keys the gateway serves
                "fragment_timeout": 3.0,
                "fragment_urls": {n: dead for n in ("auth", "cart", "checkout", "profile")}
                | {"admin": admin_url, "products": products_url},
            }
        )
        yield SimpleNamespace(
            gateway=gw, urls=urls, apps=apps, admin_app=admin_app, admin=admin_url, shell_app=shell_app
        )


def sign_in(gateway_url: str, email: str, password: str) -> str:
    resp = requests.post(f"{gateway_url}/api/auth/login", json={"email": email, "password": password}, timeout=10)
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


def browser(app, token: str | None):
    """A test client with the CSRF cookie and, when given, the session's access token."""
    c = app.test_client()
    c.set_cookie(CSRF_COOKIE, CSRF)
    if token:
        c.set_cookie(ACCESS_COOKIE, token)
    return c


def back_office_fixture():
    """Module-scoped `office`; bind it in a test module as `office = back_office_fixture()`."""

    @pytest.fixture(scope="module")
    def office(redis_url, tmp_path_factory):
        with serve_back_office(redis_url, str(tmp_path_factory.mktemp("keys"))) as served:
            served.admin_token = sign_in(served.gateway, ADMIN["email"], ADMIN["password"])
            yield served

    return office


def deliver_admin_actions(office) -> int:
    """What the outbox relays and the users service's consumer do over the broker (contract tests run none): every
    `admin.action` event waiting in a service's outbox is kept in the trail by the users service's own handler."""
    from common.messaging.events import Event
    from common.messaging.messages import AdminAction
    from common.mongo.database import get_database
    from services.users.consumers import handlers as users_handlers
    from services.users.deps import deps as users_deps

    keep = users_handlers(None, users_deps(office.apps["users"]).audit)[AdminAction.TOPIC]
    kept = 0
    places = (
        ("products", "products"),
        ("inventory", "stock"),
        ("auth", "accounts"),
        ("notifications", "dead_letters"),
        ("notifications", "audit_outbox"),
        ("orders", "orders"),
        ("orders", "audit_outbox"),
    )
    for name, collection in places:
        for doc in get_database(office.apps[name])[collection].find(
            {"_outbox.type": AdminAction.TOPIC}, {"_outbox": 1}
        ):
            for entry in doc["_outbox"]:
                if entry["type"] == AdminAction.TOPIC:
                    keep(Event(**entry))
                    kept += 1
    return kept
