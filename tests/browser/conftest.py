"""Browser fixtures: one headless Debian Chromium per session, a fresh context per test, base_url = the shell."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

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
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"

expect.set_options(timeout=TIMEOUT_MS)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make setup` (installs the Debian package chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def base_url(shell_url) -> str:
    return shell_url


def _context_page(browser, base_url, request, **options):
    """A fresh context with a Playwright trace recording; a failed test keeps its trace and a screenshot in
    test-results/ (`playwright show-trace test-results/<test>.zip` replays it step by step)."""
    context = browser.new_context(base_url=base_url, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.tracing.start(screenshots=True, snapshots=True, sources=True)
    page = context.new_page()
    yield page
    failed = any(
        getattr(request.node, f"rep_{when}", None) is not None and getattr(request.node, f"rep_{when}").failed
        for when in ("setup", "call")
    )
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-120:]
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        finally:
            context.tracing.stop(path=str(ARTIFACTS / f"{name}.zip"))
    else:
        context.tracing.stop()
    context.close()


@pytest.fixture
def page(browser, base_url, request):
    """A page with JavaScript (htmx active); page.goto("/products") is relative to the shell."""
    yield from _context_page(browser, base_url, request)


@pytest.fixture
def page_nojs(browser, base_url, request):
    """A page with JavaScript disabled: every form must still work by full page loads."""
    yield from _context_page(browser, base_url, request, java_script_enabled=False)
