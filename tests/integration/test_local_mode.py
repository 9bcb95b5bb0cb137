"""`make run` for designers: live templates and CSS, and data that survives a restart, a crash and nothing else."""

from __future__ import annotations

import re
import signal
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from common.app import ROOT
from tests.integration.local_stack import local_stack
from tests.polling import wait_until

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


def _register(stack) -> tuple[str, float]:
    email = f"keep-{uuid.uuid4().hex[:10]}@example.com"
    resp = requests.post(
        f"{stack.url('services.auth')}/api/auth/register",
        json={"email": email, "password": "correct-horse-9", "name": "Kept"},
        timeout=10,
    )
    assert resp.status_code == 201, resp.text
    return email, time.monotonic()


def _can_sign_in(stack, email: str) -> bool:
    resp = requests.post(
        f"{stack.url('services.auth')}/api/auth/login", json={"email": email, "password": "correct-horse-9"}, timeout=10
    )
    return resp.status_code == 200


def test_a_clean_restart_keeps_a_write_made_just_before_it(local):
    email, _ = _register(local)
    local.restart("services.auth")  # SIGTERM, as Ctrl-C under `make run`: the last changes are written at exit
    assert _can_sign_in(local, email)


def test_a_sigkill_keeps_every_write_older_than_the_flush_interval(local):
    snapshot = local.data_dir / "auth.bson"
    email, written = _register(local)
    wait_until(
        lambda: email.encode() in snapshot.read_bytes(), timeout=5, interval=0.02, message="the account in the snapshot"
    )
    durable_after = time.monotonic() - written
    assert durable_after < 2.5, f"a write took {durable_after:.2f}s to reach the snapshot (interval 1 s)"
    local.kill("services.auth", signal.SIGKILL)
    local.restart("services.auth")
    assert _can_sign_in(local, email)
    print(f"write durable after {durable_after * 1000:.0f} ms")


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
