"""A signed-in shopper with one item in the cart, as the Cookie header a browser would send the shell."""

from __future__ import annotations

import secrets
import uuid

import requests

from common.auth.session import ACCESS_COOKIE, REFRESH_COOKIE
from common.web.csrf import CSRF_COOKIE

NAME = "Bench Shopper"


def signed_in_cookie(gateway: str, shell: str, product_id: str) -> str:
    """Sign up through the API, add `product_id` to the cart, and check the shell greets them with it.

    The access token lives 15 minutes; measure within that, or the shell refreshes it on every request.
    """
    body = {"email": f"bench-{uuid.uuid4().hex}@example.com", "password": "bench-password-1", "name": NAME}
    r = requests.post(f"{gateway}/api/auth/register", json=body, timeout=10)
    r.raise_for_status()
    tokens = r.json()
    added = requests.post(
        f"{gateway}/api/cart/items",
        json={"product_id": product_id, "quantity": 1},
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=10,
    )
    added.raise_for_status()
    # A returning browser already holds a CSRF cookie, so the shell does not mint one per page.
    cookie = (
        f"{ACCESS_COOKIE}={tokens['access_token']}; {REFRESH_COOKIE}={tokens['refresh_token']}; "
        f"{CSRF_COOKIE}={secrets.token_urlsafe(32)}"
    )
    home = requests.get(f"{shell}/", headers={"Cookie": cookie}, timeout=10)
    if home.status_code != 200 or NAME not in home.text or "Cart, 1 item" not in home.text:
        raise RuntimeError(f"the signed-in home page did not show the shopper and their cart ({home.status_code})")
    return cookie
