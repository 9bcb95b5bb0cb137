"""Redis client factory (caching, sessions, carts, rate limits, token revocation) and a breaker for hot paths."""

from __future__ import annotations

import threading
import time

import redis
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

# Every request-path call: a hung Redis (CLIENT PAUSE, a stalled failover) costs this, not the HTTP timeout.
HOT_TIMEOUT = 0.3
# Background work (republishing revocations, reconciling) may move more data per call.
BACKGROUND_TIMEOUT = 2.0


def create_redis(url: str, timeout: float = HOT_TIMEOUT) -> redis.Redis:
    # One retry on a broken connection only (a pooled socket left over from before a Redis restart);
    # never on a timeout, which would double the wait on a hung server.
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        health_check_interval=30,
        retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
    )


class RedisSkipped(RedisConnectionError):
    """Raised instead of calling Redis while the breaker is open."""


class RedisBreaker:
    """After a Redis error, skip Redis for `cooldown` seconds: one request pays the timeout, not every one."""

    def __init__(self, cooldown: float = 1.0, clock=time.monotonic):
        self.cooldown, self.clock = cooldown, clock
        self._open_until = 0.0
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self.clock() < self._open_until

    def call(self, fn, *args, **kwargs):
        if self.is_open:
            raise RedisSkipped("Redis skipped after a recent error")
        try:
            return fn(*args, **kwargs)
        except redis.RedisError:
            with self._lock:
                self._open_until = self.clock() + self.cooldown
            raise


def register_redis_errors(app) -> None:
    """A Redis failure nobody handled closer is an outage of one store: 503 with a retry hint, never a 500."""
    from flask import jsonify

    from .errors import error_body

    @app.errorhandler(redis.RedisError)
    def _redis_down(e):
        resp = jsonify(error_body("STORE_UNAVAILABLE", "This part of the shop is briefly unavailable; try again"))
        resp.headers["Retry-After"] = "1"
        return resp, 503
