"""Header regions every browser without a session sees alike: their fragments serve them as shared answers, which the
fragment cache keeps, so an anonymous page asks nobody for them once the cache holds them."""

from __future__ import annotations

from dataclasses import dataclass

from common.auth.session import ACCESS_COOKIE, CART_COOKIE

from .caching import FragmentClient


@dataclass(frozen=True)
class SignedOut:
    """A region its fragment answers for a browser with none of `reads` at `path`, the same for all of them."""

    reads: tuple[str, ...]
    path: str  # NOTHING: the region is empty for such a browser, so nobody is asked and nothing can fail
    # The fragment's fallback means something to a guest (a dead cart app: nothing can be added), so the shell
    # takes the shared answer only while the app is up as far as it can tell for free (FragmentClient.connected).
    only_while_connected: bool = False


NOTHING = ""

# Fragment path -> where the fragment answers a browser without any of those cookies (fragments/*/routes.py,
# `@signed_out`). The mini-cart of a browser with no cart and no account is empty (fragments/cart/client.py,
# count()). The cart's "You may also like" has no cart to be related to (fragments/products, cart_product_ids()),
# so it is no region at all: asking would only let a slow products app put a "Retry" box under an empty cart.
SIGNED_OUT = {
    "/badge": SignedOut((ACCESS_COOKIE,), "/badge/signed-out"),
    "/mini": SignedOut((ACCESS_COOKIE, CART_COOKIE), "/mini/signed-out", only_while_connected=True),
    "/related-to-cart": SignedOut((ACCESS_COOKIE, CART_COOKIE), NOTHING),
}


def signed_out_path(path: str, cookies, client: FragmentClient) -> str | None:
    """Where to ask for the region as a browser with none of its cookies sees it (NOTHING: it is empty, ask nobody),
    or None: ask for `path` itself."""
    region = SIGNED_OUT.get(path)
    if region is None or any(cookies.get(c) for c in region.reads):
        return None
    if region.only_while_connected and not client.connected():
        return None
    return region.path
