"""The four ways a page is met: JavaScript on or off, on a desktop (1280 px) or a phone (390×844)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
EVERY_WAY = pytest.mark.parametrize(
    ("kind", "width"),
    [(kind, width) for kind in ("page", "page_nojs") for width in WIDTHS],
    ids=[f"{js}-{width}" for js in ("js", "nojs") for width in WIDTHS],
)
# JavaScript on and off, at the plugin's default size (or one the test sets).
BOTH = pytest.mark.parametrize("kind", ["page", "page_nojs"], ids=["js", "nojs"])
WIDER_THAN_THE_SCREEN = "() => document.documentElement.scrollWidth - window.innerWidth"


def open_browser(request, kind: str, width: str) -> Page:
    """The test's page (`page` or `page_nojs`) at the named width."""
    page = request.getfixturevalue(kind)
    w, h = WIDTHS[width]
    page.set_viewport_size({"width": w, "height": h})
    return page


def assert_no_sideways_scroll(page, paths: list[str]) -> None:
    """Each of `paths` loads and is no wider than the screen (the page's viewport, set by the caller)."""
    assert paths, "no path to check: an empty list would pass"
    wide = {}
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status < 400, (path, response and response.status)
        overflow = page.evaluate(WIDER_THAN_THE_SCREEN)
        if overflow > 0:
            wide[path] = overflow
    assert wide == {}, f"pages wider than 390 px (by px): {wide}"
