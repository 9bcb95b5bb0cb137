"""Header regions that look the same for every browser without a session: rendered by the shell, no call needed."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import render_template
from markupsafe import Markup

from common.session import ACCESS_COOKIE, CART_COOKIE

from .deps import deps


@dataclass(frozen=True)
class SignedOut:
    """A fragment's answer to a browser with none of `reads`: its own template with `context`."""

    reads: tuple[str, ...]
    template: str
    context: dict = field(default_factory=dict)
    # The fragment's fallback means something to a guest (a dead cart app: nothing can be added), so the shell
    # renders it only while the app is up as far as it can tell for free (shell/caching/front.py, `connected`).
    only_while_connected: bool = False


# Fragment path -> what the fragment answers a browser without any of those cookies, so an anonymous page skips
# the call. The mini-cart of a browser with no cart and no account is empty (fragments/cart/client.py, count()).
SIGNED_OUT = {
    "/badge": SignedOut((ACCESS_COOKIE,), "auth/_badge.html", {"user": None}),
    "/mini": SignedOut((ACCESS_COOKIE, CART_COOKIE), "cart/_mini.html", {"count": 0}, only_while_connected=True),
    # The cart's "You may also like": no cart, nothing to be related to (fragments/products, cart_product_ids()).
    "/related-to-cart": SignedOut((ACCESS_COOKIE, CART_COOKIE), "products/_related.html", {"products": []}),
}


def signed_out_region(path: str, cookies, client=None) -> Markup | None:
    """The region as a browser with none of its cookies sees it, or None when the fragment must be asked."""
    region = SIGNED_OUT.get(path)
    if region is None or any(cookies.get(c) for c in region.reads):
        return None
    if region.only_while_connected and not getattr(client, "connected", lambda: False)():
        return None
    # The same bytes for every such browser, so rendered once per process (a few % of an anonymous page's CPU).
    rendered = deps().signed_out_regions
    if path not in rendered:
        rendered[path] = Markup(render_template(region.template, **region.context))
    return rendered[path]
