"""Product reads cached in Redis; any change bumps a generation number so every key goes stale."""
from __future__ import annotations

import hashlib
import json

GEN_KEY = "products:cache:gen"
TTL_SECONDS = 300


class ProductCache:
    def __init__(self, redis, hits, misses):
        self.redis, self.hits, self.misses = redis, hits, misses

    def _key(self, kind: str, params: dict) -> str:
        gen = self.redis.get(GEN_KEY) or "0"
        digest = hashlib.sha1(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:16]
        return f"products:cache:{gen}:{kind}:{digest}"

    def get_or_compute(self, kind: str, params: dict, compute):
        key = self._key(kind, params)
        cached = self.redis.get(key)
        if cached is not None:
            self.hits.labels(kind).inc()
            return json.loads(cached)
        self.misses.labels(kind).inc()
        value = compute()
        if value is not None:
            self.redis.set(key, json.dumps(value, default=str), ex=TTL_SECONDS)
        return value

    def invalidate(self) -> None:
        self.redis.incr(GEN_KEY)
