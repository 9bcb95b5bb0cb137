"""Product reads cached in Redis; any change bumps a generation number so every key goes stale."""

from __future__ import annotations

import hashlib
import json
import logging

from redis.exceptions import RedisError

from common.redis_store import RedisBreaker, RedisSkipped

log = logging.getLogger(__name__)
GEN_KEY = "products:cache:gen"
# Kinds with a generation of their own beside the catalog's: a confirmed order changes what "You may also like"
# says, and bumping the catalog's generation for it would empty every grid's cache at each sale.
OWN_GEN_KEYS = {"related": "products:related:gen"}
TTL_SECONDS = 300


class ProductCache:
    """Keys embed the generation, so a reader that computed from old data before a bump stores it
    under a generation nobody reads any more: invalidation cannot lose a race with a slow reader."""

    def __init__(self, redis, hits, misses, breaker: RedisBreaker | None = None):
        self.redis, self.hits, self.misses = redis, hits, misses
        # With Redis hung, only the first reader per cooldown waits for the timeout; the rest go straight to Mongo.
        self.breaker = breaker or RedisBreaker()

    def _key(self, kind: str, params: dict) -> str:
        own = OWN_GEN_KEYS.get(kind)
        if own:  # still under the catalog's generation too: an edited or deleted product drops these answers
            gens = self.breaker.call(self.redis.mget, [GEN_KEY, own])
            gen = ".".join(g or "0" for g in gens)
        else:
            gen = self.breaker.call(self.redis.get, GEN_KEY) or "0"
        digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()
        return f"products:cache:{gen}:{kind}:{digest}"

    def get_or_compute(self, kind: str, params: dict, compute):
        try:
            key = self._key(kind, params)
            cached = self.breaker.call(self.redis.get, key)
        except RedisError as e:
            # The catalog stays up without its cache; it is only slower.
            if not isinstance(e, RedisSkipped):
                log.warning("product cache unavailable", extra={"error": type(e).__name__})
            self.misses.labels(kind).inc()
            return compute()
        if cached is not None:
            self.hits.labels(kind).inc()
            return json.loads(cached)
        self.misses.labels(kind).inc()
        value = compute()
        if value is not None:
            try:
                self.breaker.call(self.redis.set, key, json.dumps(value, default=str), ex=TTL_SECONDS)
            except RedisError:
                pass
        return value

    def invalidate(self) -> None:
        """Called after every write; a failure is retried by the product.changed consumer."""
        try:
            self.redis.incr(GEN_KEY)
        except RedisError as e:
            log.error("product cache invalidation failed", extra={"error": type(e).__name__})

    def invalidate_or_raise(self, kind: str | None = None) -> None:
        """For the event consumer: raising makes the runner retry, then dead-letter. With a kind of OWN_GEN_KEYS,
        only that kind's answers go stale."""
        self.redis.incr(OWN_GEN_KEYS[kind] if kind else GEN_KEY)
