"""Header regions that look the same for every browser without a session: rendered by the shell, no call needed."""
from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from common.web import ACCESS_COOKIE

# Fragment path -> (cookies that make it personal, the fragment's own template, what it renders it with). Without
# any of those cookies the fragment answers exactly this, so an anonymous page skips that call. The mini-cart is
# still asked (it answers a cookieless browser without an API call): a guest must see its fallback when the cart
# app is down (tests/browser/test_home.py), which rendering it here would hide.
SIGNED_OUT = {
    "/badge": ((ACCESS_COOKIE,), "auth/_badge.html", {"user": None}),
}


def signed_out_region(path: str, cookies) -> Markup | None:
    """The region as a browser with none of its cookies sees it, or None when the fragment must be asked."""
    reads, template, context = SIGNED_OUT.get(path, (None, None, None))
    if template is None or any(cookies.get(c) for c in reads):
        return None
    return Markup(render_template(template, **context))
