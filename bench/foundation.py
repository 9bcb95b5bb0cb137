"""Home page, catalog API through the gateway and direct, and script bytes per page."""

from __future__ import annotations

import gzip
import re
import uuid

import requests

from . import load


def script_bytes(shell: str) -> tuple[int, int]:
    """Bytes of script a browser downloads for the home page: (raw, gzip)."""
    html = requests.get(f"{shell}/", timeout=10).text
    raw = gz = 0
    for src in re.findall(r'<script[^>]+src="([^"]+)"', html):
        body = requests.get(f"{shell}{src}" if src.startswith("/") else src, timeout=10).content
        raw += len(body)
        gz += len(gzip.compress(body, 9))
    inline = "".join(re.findall(r"<script(?![^>]*src)[^>]*>(.*?)</script>", html, re.S)).encode()
    return raw + len(inline), gz + (len(gzip.compress(inline)) if inline else 0)


def _access_token(gateway: str) -> str:
    """A new shopper's access token (one registration per run)."""
    body = {"email": f"bench-{uuid.uuid4().hex}@example.com", "password": "bench-pass-1", "name": "Bench Shopper"}
    r = requests.post(f"{gateway}/api/auth/register", json=body, timeout=10)
    r.raise_for_status()
    return r.json()["access_token"]


def main(urls: dict, concurrency: int, duration: float) -> None:
    shell, gateway, products = urls["shell"], urls["gateway"], urls["products"]
    home = load.run("GET / (shell, composed)", lambda i: f"{shell}/", concurrency, duration)
    via_gw = load.run("GET /api/products via gateway", lambda i: f"{gateway}/api/products", concurrency, duration)
    direct = load.run(
        "GET /api/products direct on service", lambda i: f"{products}/api/products", concurrency, duration
    )
    # A signed-in read: the gateway verifies the bearer token (signature, kid, revocation) before the hop.
    bearer = {"Authorization": f"Bearer {_access_token(gateway)}"}
    signed_in = load.run(
        "GET /api/products via gateway, signed in", lambda i: f"{gateway}/api/products", concurrency, duration, bearer
    )
    for r in (home, via_gw, signed_in, direct):
        print(r.line())
    print(f"gateway overhead (p50 via gateway / p50 direct): {load.ratio(via_gw, direct):.2f}x")
    print(f"token check (p50 signed in / p50 guest via gateway): {load.ratio(signed_in, via_gw):.2f}x")
    raw, gz = script_bytes(shell)
    print(f"script bytes per page: {raw} raw, {gz} gzip")
