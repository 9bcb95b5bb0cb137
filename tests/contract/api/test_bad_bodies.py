"""Malformed, deep, huge and mistyped bodies are a 4xx in every app, and cannot open a gateway breaker."""

from __future__ import annotations

import contextlib
import importlib
import re
import uuid

import pytest
import requests

import shell
from common.settings import FRAGMENT_PORTS, SERVICE_PORTS
from tests.support.accounts_apps import ADMIN, bearer, new_user
from tests.support.checkout_apps import serve_shop
from tests.support.servers import serving

SERVICES = list(SERVICE_PORTS)
FRAGMENTS = [n for n in FRAGMENT_PORTS if n != "admin"]  # the back office's forms: tests/contract/pages/test_admin_*
WRITES = {"POST", "PUT", "PATCH"}
JSON, FORM = "application/json", "application/x-www-form-urlencoded"
NASTY = {
    "5,000 nested brackets": (b"[" * 5000, JSON),
    "100,000 nested brackets": (b"[" * 100_000, JSON),
    "a 1 MB body": (b'{"name": "' + b"x" * (1 << 20) + b'"}', JSON),
    "nesting past the limit inside an object": (b'{"name": ' + b"[" * 40 + b"]" * 40 + b"}", JSON),
    "invalid UTF-8": (b'{"email": "\xff\xfe\xfd"}', JSON),
    "truncated JSON": (b'{"email": ', JSON),
    "a number": (b"1", JSON),
    "a string": (b'"x"', JSON),
    "null": (b"null", JSON),
    "an array": (b"[1, 2]", JSON),
    "NaN and a 5,000-digit number": (b'{"quantity": NaN, "price": 1' + b"0" * 5000 + b"}", JSON),
    "JSON sent as text/plain": (b'{"email": "a@b.c", "password": "x"}', "text/plain"),
    "a form instead of JSON": (b"email=a%40b.c&password=x", FORM),
    "16,000 form fields, just under the size limit": (b"a=1&" * 16_000, FORM),
    "20,000 form fields over the size limit": (b"&".join(b"f%d=1" % n for n in range(20_000)), FORM),
}


def write_endpoints(app):
    """Every (method, path) of the app that takes a body, with path arguments filled in."""
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & WRITES):
            found.append((method, re.sub(r"<[^>]+>", uuid.uuid4().hex[:24], rule.rule)))
    return found


def misanswered(send, endpoints) -> list[str]:
    """Send every nasty body to every endpoint; return the answers that were not a JSON error below 500.
    An endpoint that reads a body (it refuses an unknown field with a 422) must refuse each of them with a 4xx;
    one that takes no body (cancel, merge) may ignore it, but never with a 5xx."""
    wrong = []
    for method, path in endpoints:
        reads_body = send(method, path, b'{"unexpected-field": 1}', JSON)[0] == 422
        for name, (body, content_type) in NASTY.items():
            status, is_json, error = send(method, path, body, content_type)
            refused = 400 <= status < 500 and error
            if not is_json or status >= 500 or (reads_body and not refused):
                wrong.append(f"{method} {path} with {name}: {status}")
    return wrong


@pytest.fixture(scope="module")
def service_apps(service_config, tmp_path_factory) -> dict:
    config = service_config(keys_dir=str(tmp_path_factory.mktemp("keys")))
    return {name: importlib.import_module(f"services.{name}").create_app(config) for name in SERVICES}


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_answers_bad_bodies_with_a_4xx_json_error(name, service_apps, admin_headers):
    app = service_apps[name]
    client = app.test_client()
    headers = {**admin_headers, "Idempotency-Key": uuid.uuid4().hex, "X-Cart-Id": uuid.uuid4().hex}

    def send(method, path, body, content_type):
        r = client.open(path, method=method, data=body, content_type=content_type, headers=headers)
        return r.status_code, r.is_json, r.is_json and r.json.get("error")

    endpoints = write_endpoints(app)
    assert endpoints or name == "notifications"
    assert misanswered(send, endpoints) == []


@pytest.fixture(scope="module")
def shop(redis_url, tmp_path_factory):
    with serve_shop(redis_url, str(tmp_path_factory.mktemp("keys"))) as found:
        yield found


def login(shop, credentials: dict) -> requests.Response:
    return requests.post(f"{shop.gateway}/api/auth/login", json=credentials, timeout=10)


def test_the_gateway_answers_bad_bodies_to_every_service_with_a_4xx_json_error(shop, service_apps):
    r = login(shop, ADMIN)
    assert r.status_code == 200, r.text
    headers = {
        "Authorization": f"Bearer {r.json()['access_token']}",
        "Idempotency-Key": uuid.uuid4().hex,
        "X-Cart-Id": uuid.uuid4().hex,
    }
    session = requests.Session()

    def send(method, path, body, content_type):
        r = session.request(
            method, f"{shop.gateway}{path}", data=body, timeout=10, headers={**headers, "Content-Type": content_type}
        )
        is_json = r.headers.get("Content-Type", "").startswith("application/json")
        return r.status_code, is_json, is_json and r.json().get("error")

    endpoints = sorted({e for app in service_apps.values() for e in write_endpoints(app) if e[1].startswith("/api/")})
    assert misanswered(send, endpoints) == []


@pytest.mark.parametrize("path", ["/api/auth/login", "/api/cart/items"])
def test_twenty_nested_bracket_posts_leave_the_breaker_closed_and_sign_in_working(shop, path):
    user = new_user(shop.gateway)
    codes = {
        requests.post(
            f"{shop.gateway}{path}", data=b"[" * 5000, headers={"Content-Type": JSON, **bearer(user)}, timeout=10
        ).status_code
        for _ in range(20)
    }
    assert codes == {400}
    r = login(shop, {"email": user["email"], "password": user["password"]})
    assert r.status_code == 200 and r.json()["access_token"]
    cart = requests.post(
        f"{shop.gateway}/api/cart/items", json={"product_id": "nope", "quantity": 1}, headers=bearer(user), timeout=10
    )
    assert cart.status_code < 500, cart.text


@pytest.fixture(scope="module")
def fragment_apps(shop, redis_url) -> dict:
    config = {"redis_url": redis_url, "gateway_url": shop.gateway}
    return {name: importlib.import_module(f"fragments.{name}").create_app(config) for name in FRAGMENTS}


def html_misanswered(client, endpoints, prefix: str = "") -> list[str]:
    """Post every nasty body as a signed-in-looking browser; return the 5xx answers and the non-HTML errors."""
    client.set_cookie("fm_csrf", "test-csrf")
    wrong = []
    for method, path in endpoints:
        for name, (body, content_type) in NASTY.items():
            r = client.open(
                prefix + path,
                method=method,
                data=body,
                content_type=content_type,
                headers={"X-CSRF-Token": "test-csrf"},
            )
            if r.status_code >= 500 or (r.status_code >= 400 and r.mimetype != "text/html"):
                wrong.append(f"{method} {prefix}{path} with {name}: {r.status_code} {r.mimetype}")
    return wrong


@pytest.mark.parametrize("name", FRAGMENTS)
def test_every_fragment_form_answers_bad_bodies_with_a_page_never_a_5xx(name, fragment_apps):
    app = fragment_apps[name]
    assert html_misanswered(app.test_client(), write_endpoints(app)) == []


def test_the_shell_relays_bad_bodies_to_every_fragment_form_without_a_5xx(fragment_apps, redis_url):
    with contextlib.ExitStack() as stack:
        urls = {name: stack.enter_context(serving(app)) for name, app in fragment_apps.items()}
        client = shell.create_app({"redis_url": redis_url, "fragment_urls": urls}).test_client()
        wrong = [
            w
            for name, app in fragment_apps.items()
            for w in html_misanswered(client, write_endpoints(app), prefix=f"/f/{name}")
        ]
    assert wrong == []
