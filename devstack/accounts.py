"""The local admin account, for tools and tests that drive a running stack (bench, browser fixtures)."""

from __future__ import annotations

import requests

from .processes import LOCAL_DEFAULTS


def admin_tokens(gateway_url: str) -> dict:
    """Sign in as the local admin through the gateway: its token pair (for a browser's cookies, say)."""
    r = requests.post(
        f"{gateway_url}/api/auth/login",
        timeout=10,
        json={"email": LOCAL_DEFAULTS["ADMIN_EMAIL"], "password": LOCAL_DEFAULTS["ADMIN_PASSWORD"]},
    )
    r.raise_for_status()
    if r.status_code == 202:  # the password was right, and the account asks for an authenticator's code next
        raise RuntimeError("the local admin has two-factor sign-in on: turn it off in /profile to drive the stack")
    return r.json()


def admin_headers(gateway_url: str) -> dict:
    """The bearer header for admin-only calls."""
    return {"Authorization": f"Bearer {admin_tokens(gateway_url)['access_token']}"}
