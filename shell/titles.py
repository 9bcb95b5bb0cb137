"""A page's title, from its main region: the region's data-title, else its first <h1>; "Error: " on a form error."""

from __future__ import annotations

import html
import re

# A region names its page with data-title on its root (checkout steps share one <h1>); most just have an <h1>.
DATA_TITLE = re.compile(r'\bdata-title="([^"]*)"')
H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")
FORM_ERROR = 422  # a form re-rendered with its errors (the GOV.UK pattern: the title says so first)


def page_title(default: str, region_html: str, status: int) -> str:
    """What the <title> says before " · Fragmart" (plain text; the layout escapes it)."""
    found = DATA_TITLE.search(region_html) or H1.search(region_html)
    title = " ".join(html.unescape(TAG.sub("", found.group(1))).split()) if found else ""
    title = title or default
    return f"Error: {title}" if status == FORM_ERROR else title


def title_element(region_html: str, status: int) -> str:
    """For an htmx swap: a <title> htmx moves to the document (only for an answer that names a page)."""
    if not (DATA_TITLE.search(region_html) or H1.search(region_html)):
        return ""
    return f"<title>{html.escape(page_title('', region_html, status))} · Fragmart</title>"
