"""The page budget: one deadline per request, shared by the silent refresh and the fragment fan-out."""

from __future__ import annotations

import time

from flask import g

from common.platform import platform_of

# Past the fragments' own timeout: a little time to render the layout around them.
RENDER_MARGIN = 0.25


def page_budget() -> float:
    return platform_of().settings.fragment_timeout + RENDER_MARGIN


def start_page_clock() -> None:
    """before_request, first: the page's deadline counts from here."""
    g.page_deadline = time.monotonic() + page_budget()


def remaining_budget() -> float:
    """Seconds left before the page must be answered (a whole budget if the clock was never started)."""
    deadline = g.get("page_deadline")
    return page_budget() if deadline is None else max(deadline - time.monotonic(), 0.0)
