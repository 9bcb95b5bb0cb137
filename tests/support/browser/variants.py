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


def open_browser(request, kind: str, width: str) -> Page:
    """The test's page (`page` or `page_nojs`) at the named width."""
    page = request.getfixturevalue(kind)
    w, h = WIDTHS[width]
    page.set_viewport_size({"width": w, "height": h})
    return page
