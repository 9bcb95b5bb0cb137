"""The local admin account, for tools and tests that drive a running stack (bench, browser fixtures)."""

from __future__ import annotations

import requests

from .processes import LOCAL_DEFAULTS


def admin_headers(gateway_url: str) -> dict:
    """Sign in as the local admin through the gateway; the bearer header for admin-only calls."""
    r = requests.post(
        f"{gateway_url}/api/auth/login",
        timeout=10,
        json={"email": LOCAL_DEFAULTS["ADMIN_EMAIL"], "password": LOCAL_DEFAULTS["ADMIN_PASSWORD"]},
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}
