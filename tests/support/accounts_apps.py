"""The real account apps served on loopback for contract tests: auth and users, and a gateway before them."""

from __future__ import annotations

import contextlib
import uuid
from types import SimpleNamespace

import pytest
import redis
import requests

import gateway
import services.auth
import services.users
from common.settings import load_settings
from tests.support.servers import serving

ADMIN = {"email": "admin@example.com", "password": "admin-password-1"}


@contextlib.contextmanager
def serve_accounts(redis_url: str, keys_dir: str, auth_config: dict | None = None):
    """Yield URLs of a live auth service, users service and gateway (workers off: no broker needed).
    The auth service starts with no sign-in or link-failure counts: the session's Redis is shared by every module,
    and every test client is 127.0.0.1, so one module's wrong links would otherwise use up the next one's budget."""
    forget_auth_limits(redis_url)
    base = {"redis_url": redis_url, "run_workers": False}
    auth_app = services.auth.create_app(
        {
            **base,
            "keys_dir": keys_dir,
            "admin_email": ADMIN["email"],
            "admin_password": ADMIN["password"],
            **(auth_config or {}),
        }
    )
    with serving(auth_app) as auth_url:
        urls = {**load_settings("test").service_urls, "auth": auth_url}
        users_app = services.users.create_app({**base, "service_urls": urls})
        with serving(users_app) as users_url:
            urls = {**urls, "users": users_url}
            gateway_app = gateway.create_app(
                {"redis_url": redis_url, "service_urls": urls, "rate_limit_writes": "10000/minute"}
            )
            with serving(gateway_app) as gateway_url:
                yield SimpleNamespace(
                    auth=auth_url,
                    users=users_url,
                    gateway=gateway_url,
                    service_urls=urls,
                    auth_app=auth_app,
                    users_app=users_app,
                )


def forget_auth_limits(redis_url: str) -> None:
    with redis.Redis.from_url(redis_url) as r:
        for key in r.scan_iter("auth:ratelimit:*", count=1000):
            r.delete(key)


def new_user(base_url: str, password: str = "secret-pass-1", name: str = "Ada Tester") -> dict:
    """Register a fresh customer through the API; returns its email, password, id and tokens."""
    email = f"ada-{uuid.uuid4().hex}@example.com"
    resp = requests.post(
        f"{base_url}/api/auth/register", json={"email": email, "password": password, "name": name}, timeout=10
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    return {"email": email, "password": password, "name": name, "id": body["user"]["id"], **body}


def bearer(user: dict) -> dict:
    return {"Authorization": f"Bearer {user['access_token']}"}


def accounts_fixture():
    """A module-scoped fixture serving the account apps; bind it in a test module as `accounts = accounts_fixture()`."""

    @pytest.fixture(scope="module")
    def accounts(redis_url, tmp_path_factory):
        with serve_accounts(redis_url, str(tmp_path_factory.mktemp("keys"))) as urls:
            yield urls

    return accounts
