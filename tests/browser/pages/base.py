"""The base of every page object: where it lives, one way to go there, and when htmx has bound the page."""

from __future__ import annotations

import weakref
from typing import Self

from playwright.sync_api import Page

# Runs in every document of the page before its own scripts: htmx fires htmx:load on <body> once it has processed
# the whole body (its hx-* attributes are live from then on), which this records on window.
PROBE = """document.addEventListener("htmx:load", (e) => {
  if (e.target === document.body) window.__htmxBound = true;
}); window.__htmxProbe = true;"""
# htmx is a deferred script, so it has run by the time the document is complete; without JavaScript it never
# runs, and there is nothing to wait for.
BOUND = """() => document.readyState === "complete"
  && (typeof window.htmx === "undefined" || window.__htmxBound === true)"""

_PROBED: weakref.WeakSet[Page] = weakref.WeakSet()  # pages that run PROBE in each new document


class PageObject:
    """`path` is where the page lives; a page with an id in its path overrides `url`."""

    path = "/"

    def __init__(self, page: Page):
        self.page = page
        if page not in _PROBED:
            page.add_init_script(PROBE)
            _PROBED.add(page)

    def url(self, path: str | None = None) -> str:
        return path or self.path

    def navigate(self, *args) -> Self:
        self.page.goto(self.url(*args))
        self.wait_for_htmx()
        return self

    def wait_for_htmx(self) -> None:
        """Until htmx has bound this document (with JavaScript), so a click is htmx's and not a plain link's."""
        if self.page.evaluate("() => window.__htmxProbe !== true"):
            raise AssertionError(
                "this document was loaded before any page object existed for the page: "
                "make one before the first navigation"
            )
        # The load event first: without JS, wait_for_function's requestAnimationFrame polling never runs, so only its
        # first evaluation counts, and that must come after the images have loaded.
        self.page.wait_for_load_state("load")
        self.page.wait_for_function(BOUND)
