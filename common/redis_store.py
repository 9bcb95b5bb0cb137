"""Redis client factory (caching, sessions, carts, rate limits, token revocation) and a breaker for hot paths."""

from __future__ import annotations

import time

import redis
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

from .breaker import BreakerOpen, CircuitBreaker

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


class RedisBreaker(CircuitBreaker):
    """common/breaker.py's breaker, set for Redis on hot paths: one error opens it for `cooldown` seconds, so one
    request pays the timeout, not every one. It shows in /metrics as upstream "redis", like every breaker."""

    def __init__(self, cooldown: float = 1.0, clock=time.monotonic, name: str = "redis"):
        super().__init__(name, fail_max=1, reset_timeout=cooldown, clock=clock)

    def call(self, fn, *args, **kwargs):
        try:
            trial = self.admit()
        except BreakerOpen:
            raise RedisSkipped("Redis skipped after a recent error") from None
        try:
            result = fn(*args, **kwargs)
        except redis.RedisError:
            self.record("down", trial)
            raise
        except BaseException:
            self.record(None, trial)  # our own failure says nothing about Redis
            raise
        self.record("ok", trial)
        return result


def register_redis_errors(app) -> None:
    """A Redis failure nobody handled closer is an outage of one store: 503 with a retry hint, never a 500."""
    from flask import jsonify

    from .errors import error_body

    @app.errorhandler(redis.RedisError)
    def _redis_down(e):
        resp = jsonify(error_body("STORE_UNAVAILABLE", "This part of the shop is briefly unavailable; try again"))
        resp.headers["Retry-After"] = "1"
        return resp, 503
