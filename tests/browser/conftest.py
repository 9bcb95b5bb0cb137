"""Browser fixtures on pytest-playwright: Debian's headless Chromium, a fresh context per test, base_url = the shell.

The plugin keeps a Playwright trace and a full-page screenshot of every failed test under
test-results/<test-id>/ (options in pyproject.toml's addopts); `page` and `context` are its own fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.pages.auth import sign_in_as_admin
from tests.support.browser.catalog_data import create_lineup
from tests.support.browser.variants import open_browser

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling out, and this machine has no network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args) -> dict:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make setup` (installs the Debian package chromium)")
    # --headed still wins, for watching a test locally.
    return {"headless": True, **browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(shell_url) -> str:
    return shell_url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, base_url) -> dict:
    return {**browser_context_args, "base_url": base_url}


@pytest.fixture
def context(new_context) -> BrowserContext:
    """The plugin's context (traced, screenshotted on failure) with our action timeout."""
    return _timed(new_context())


@pytest.fixture
def page_nojs(new_context):
    """A page with JavaScript disabled: every form must still work by full page loads."""
    return _timed(new_context(java_script_enabled=False)).new_page()


@pytest.fixture(scope="module")
def lineup(gateway_url):
    """Products of the test module's own, made through the API (tests/support/browser/catalog_data.py)."""
    return create_lineup(gateway_url)


@pytest.fixture
def admin_page(request, base_url, gateway_url):
    """Makes the test's page signed in as the local admin: `admin_page(kind)` for `page` or `page_nojs`,
    `admin_page(kind, width)` at one of tests/support/browser/variants.py's widths."""

    def make(kind: str, width: str | None = None):
        page = open_browser(request, kind, width) if width else request.getfixturevalue(kind)
        sign_in_as_admin(page, base_url, gateway_url)
        return page

    return make


def _timed(context: BrowserContext) -> BrowserContext:
    # browser.new_context has no timeout option; the plugin's default (30 s) would make a failure slow to show.
    context.set_default_timeout(TIMEOUT_MS)
    return context
