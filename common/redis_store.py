"""Redis client factory (caching, sessions, carts, rate limits, token revocation)."""
from __future__ import annotations

import redis


def create_redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, decode_responses=True, socket_timeout=2, socket_connect_timeout=2,
                                health_check_interval=30)

