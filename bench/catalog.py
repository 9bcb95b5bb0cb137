"""Search and product-page throughput with a warm and a cold product cache, on the service, gateway and shell.

Warm: a few repeated requests, so the products service answers from Redis (the hit ratio is printed).
Cold: every request misses: searches vary `min_price` so each has a cache key of its own, and product
pages bump the cache generation first (one Redis INCR from this process, inside the timed request).
"""

from __future__ import annotations

import itertools
import re
from urllib.parse import urlsplit

import redis
import requests

from common.settings import INFRA_PORTS, SERVICE_PORTS

from . import load

GEN_KEY = "products:cache:gen"  # services/products/cache.py
WORDS = ("shirt", "mug", "pen", "bottle", "keyboard", "jeans", "lantern", "notebook")


def _cache_counts(products: str) -> tuple[float, float]:
    text = requests.get(f"{products}/metrics", timeout=5).text
    total = {
        kind: sum(float(v) for v in re.findall(rf"^products_cache_{kind}_total{{[^}}]*}} ([0-9.e+]+)$", text, re.M))
        for kind in ("hits", "misses")
    }
    return total["hits"], total["misses"]


def _measure(name: str, url_for, products: str, concurrency: int, duration: float) -> None:
    hits0, misses0 = _cache_counts(products)
    result = load.run(name, url_for, concurrency, duration)
    hits, misses = _cache_counts(products)
    looked_up = (hits - hits0) + (misses - misses0)
    ratio = f"{(hits - hits0) / looked_up:5.0%}" if looked_up else "  n/a"
    print(f"{result.line()}  cache hits {ratio}")


def main(urls: dict, concurrency: int, duration: float) -> None:
    shell, gateway, products = urls["shell"], urls["gateway"], urls["products"]
    offset = urlsplit(products).port - SERVICE_PORTS["products"]
    store = redis.Redis(port=INFRA_PORTS["redis"] + offset)
    ids = [
        p["id"] for p in requests.get(f"{products}/api/products", params={"per_page": 100}, timeout=5).json()["items"]
    ][:8]
    unique = itertools.count(1)

    def search(base):
        return lambda i: f"{base}?q={WORDS[i % len(WORDS)]}"

    def search_cold(base):
        return lambda i: f"{base}?q={WORDS[i % len(WORDS)]}&min_price={next(unique)}"

    def item(base):
        return lambda i: f"{base}/{ids[i % len(ids)]}"

    def item_cold(base):
        def url(i):
            store.incr(GEN_KEY)
            return f"{base}/{ids[i % len(ids)]}"

        return url

    for warm_up in (search(f"{products}/api/products"), item(f"{products}/api/products")):
        for i in range(len(WORDS)):
            requests.get(warm_up(i), timeout=5)
    rows = [
        ("search, service, warm", search(f"{products}/api/products")),
        ("search, service, cold", search_cold(f"{products}/api/products")),
        ("search, gateway, warm", search(f"{gateway}/api/products")),
        ("search, gateway, cold", search_cold(f"{gateway}/api/products")),
        ("search page /products?q=, shell, warm", search(f"{shell}/products")),
        ("search page /products?q=, shell, cold", search_cold(f"{shell}/products")),
        ("product, service, warm", item(f"{products}/api/products")),
        ("product, service, cold", item_cold(f"{products}/api/products")),
        ("product page /products/<id>, shell, warm", item(f"{shell}/products")),
        ("product page /products/<id>, shell, cold", item_cold(f"{shell}/products")),
    ]
    for name, url_for in rows:
        _measure(name, url_for, products, concurrency, duration)
