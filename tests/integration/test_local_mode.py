"""`make run` for designers: live templates and CSS, and data that survives a restart and a crash of any process."""

from __future__ import annotations

import re
import secrets
import signal
import uuid
from contextlib import contextmanager
from pathlib import Path

import pymongo
import pytest
import requests

from common.app import ROOT
from tests.support.checkout_system import ADDRESS
from tests.support.local_stack import local_stack
from tests.support.payflow import pay_order
from tests.support.polling import wait_until

APPS = [
    "shell",
    "fragments.products",
    "fragments.auth",
    "fragments.cart",
    "gateway",
    "services.products",
    "services.auth",
    "services.inventory",
    "services.orders",
    "services.payments",
]


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    stack = local_stack(tmp_path_factory.mktemp("local"))
    stack.start(APPS)
    yield stack
    stack.stop()


@contextmanager
def edited(path: Path, old: str, new: str):
    """A designer's edit to a file of the repository, undone afterwards whatever happens."""
    original = path.read_text()
    assert old in original, f"{old!r} not in {path}"
    try:
        path.write_text(original.replace(old, new, 1))
        yield
    finally:
        path.write_text(original)


def test_an_edited_partial_shows_on_the_next_page_load_without_a_restart(local):
    url, marker = local.url("shell"), f"live-{uuid.uuid4().hex[:8]}"
    assert requests.get(f"{url}/", timeout=10).status_code == 200  # cached by the shell from here on
    with edited(ROOT / "templates/products/_featured.html", "</section>", f"<p>{marker}</p></section>"):
        assert marker in requests.get(f"{url}/", timeout=10).text
    assert marker not in requests.get(f"{url}/", timeout=10).text


def test_an_edited_header_region_the_shell_renders_itself_shows_at_once(local):
    url, marker = local.url("shell"), f"badge-{uuid.uuid4().hex[:8]}"
    requests.get(f"{url}/products", timeout=10)
    with edited(ROOT / "templates/auth/_badge.html", "Sign in", f"Sign in {marker}"):
        assert marker in requests.get(f"{url}/products", timeout=10).text


def test_edited_css_gets_a_new_url_and_the_new_bytes(local):
    url = local.url("shell")

    def stylesheet() -> str:
        found = re.search(r'href="(/static/css/site\.css\?v=\w+)"', requests.get(f"{url}/", timeout=10).text)
        assert found is not None, "the page links no versioned site.css"
        return found[1]

    before = stylesheet()
    with edited(ROOT / "static/css/site.css", "", "/* a designer's edit */\n"):
        after = stylesheet()
        assert after != before
        assert requests.get(f"{url}{after}", timeout=10).text.startswith("/* a designer's edit */")


def _register(stack) -> str:
    email = f"keep-{uuid.uuid4().hex[:10]}@example.com"
    resp = requests.post(
        f"{stack.url('services.auth')}/api/auth/register",
        json={"email": email, "password": "correct-horse-9", "name": "Kept"},
        timeout=10,
    )
    assert resp.status_code == 201, resp.text
    return email


def _sign_in(stack, email: str, password: str = "correct-horse-9") -> dict | None:
    resp = requests.post(
        f"{stack.url('services.auth')}/api/auth/login", json={"email": email, "password": password}, timeout=10
    )
    return {"Authorization": f"Bearer {resp.json()['access_token']}"} if resp.status_code == 200 else None


def _crash(stack, name: str) -> None:
    """kill -9 at once, then start it again (as `make run` would after a crash)."""
    stack.kill(name, signal.SIGKILL)
    stack.restart(name)


def test_a_clean_restart_keeps_a_write_made_just_before_it(local):
    email = _register(local)
    local.restart("services.auth")  # SIGTERM, as Ctrl-C under `make run`
    assert _sign_in(local, email)


def test_a_sign_up_answered_just_before_a_sigkill_is_kept(local):
    email = _register(local)
    _crash(local, "services.auth")
    assert _sign_in(local, email), "the account announced with 201 is gone"


def test_a_stock_count_answered_just_before_a_sigkill_is_kept(local):
    admin = _sign_in(local, "admin@fragmart.local", "fragmart-admin-1")
    gateway = local.url("gateway")
    sku = requests.get(f"{gateway}/api/products", params={"per_page": 1}, timeout=10).json()["items"][0]["sku"]
    units = 700 + secrets.randbelow(200)
    counted = requests.put(
        f"{local.url('services.inventory')}/api/inventory/{sku}", json={"quantity": units}, headers=admin, timeout=10
    )
    assert counted.status_code == 200, counted.text
    _crash(local, "services.inventory")
    assert requests.get(f"{gateway}/api/inventory/{sku}", timeout=10).json()["available"] == units


def test_an_order_answered_202_just_before_a_sigkill_is_kept_placed_once_and_carried_through(local):
    """Issue 19's probe: orders killed right after its 202 lost the order, yet the shopper was charged and one unit
    stayed reserved; a same-key retry then placed and charged a second order. Every announced effect is now backed
    by saved data: the order is there after the crash, a retry answers the same order, and it is confirmed once."""
    gateway = local.url("gateway")
    headers = _sign_in(local, _register(local))
    product = requests.get(f"{gateway}/api/products", params={"per_page": 1}, timeout=10).json()["items"][0]
    wait_until(
        lambda: requests.get(f"{gateway}/api/inventory/{product['sku']}", timeout=10).status_code == 200,
        30,
        message="the seeded stock",
    )
    key = uuid.uuid4().hex
    body = {"address": ADDRESS, "lines": [{"product_id": product["id"], "quantity": 1}]}
    placed = requests.post(
        f"{local.url('services.orders')}/api/orders", json=body, headers={**headers, "Idempotency-Key": key}, timeout=10
    )
    assert placed.status_code == 202, placed.text
    _crash(local, "services.orders")
    order_id = placed.json()["id"]
    kept = requests.get(f"{gateway}/api/orders/{order_id}", headers=headers, timeout=10)
    assert kept.status_code == 200, "the order announced with 202 is gone"
    retried = requests.post(f"{gateway}/api/orders", json=body, headers={**headers, "Idempotency-Key": key}, timeout=10)
    assert retried.json()["id"] == order_id
    assert pay_order(gateway, headers, order_id, timeout=60).status_code == 303  # on the provider's page
    wait_until(
        lambda: (
            requests.get(f"{gateway}/api/orders/{order_id}", headers=headers, timeout=10).json()["status"]
            == "CONFIRMED"
        ),
        60,
        message="the order carried through after the crash",
    )
    mine = requests.get(f"{gateway}/api/orders", headers=headers, timeout=10).json()["items"]
    assert [o["id"] for o in mine] == [order_id]


def test_the_seeded_catalog_and_its_stock_are_kept_not_seeded_again(local):
    gateway = local.url("gateway")
    before = requests.get(f"{gateway}/api/products", params={"per_page": 100}, timeout=10).json()
    local.restart("services.products")
    local.restart("services.inventory")
    after = requests.get(f"{gateway}/api/products", params={"per_page": 100}, timeout=10).json()
    assert [p["id"] for p in after["items"]] == [p["id"] for p in before["items"]]
    sku = before["items"][0]["sku"]
    stock = requests.get(f"{gateway}/api/inventory/{sku}", timeout=10)
    assert stock.status_code == 200 and stock.json()["available"] > 0


def test_a_crashed_database_server_comes_back_with_its_flushed_data_and_the_services_reconnect(local):
    """The server journals without fsync (as mongod's default write concern): its own crash may lose what it had
    not flushed, so the write is flushed first (the `fsync` command). A service's crash loses nothing (above)."""
    email = _register(local)
    with pymongo.MongoClient(local.url("mongo"), serverSelectionTimeoutMS=5000) as client:
        client.admin.command("fsync")
    local.kill("mongo", signal.SIGKILL)
    local.restart("mongo")
    assert wait_until(lambda: _sign_in(local, email), 20, message="auth reconnected to the restarted database")
