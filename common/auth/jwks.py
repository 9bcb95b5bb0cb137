"""The key hook flask-jwt-extended lacks: a token's `kid` picks its public key from the auth service's JWKS.

Plugged in as the JWTManager's decode_key_loader (common/auth/identity.py). The set is held for `ttl` seconds, so a
key that the JWKS no longer lists (retired by two rotations) is refused within that time, in every process. An unknown
kid refetches the set at once, rate limited per kid (a new key is trusted as soon as the JWKS lists it), with a floor
across kids so made-up kids cannot turn every request into a fetch.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict

import jwt
import requests

from ..errors import Unavailable

log = logging.getLogger(__name__)
JWKS_TTL = 60  # seconds a fetched set is trusted: the bound on how long a retired key still verifies
KID_COOLDOWN = 10  # seconds before the same unknown kid may refetch again
FETCH_FLOOR = 1.0  # seconds between refetches caused by unknown kids, whatever the kid
RETRY_AFTER = 2.0  # seconds between fetches while the auth service cannot be reached
STALE_LIMIT = 300  # seconds a set may be served while the auth service cannot be reached
SEEN_KIDS = 1024  # unknown kids remembered for their cooldown (the oldest are forgotten first)


class UnknownKey(jwt.InvalidTokenError):
    """The token names a key the JWKS does not list (never listed, or retired)."""


class JwksKeys:
    """kid -> public key, from `url`; callable as flask-jwt-extended's decode_key_loader(header, payload)."""

    def __init__(self, url: str, ttl: float = JWKS_TTL, kid_cooldown: float = KID_COOLDOWN, timeout: float = 3.0):
        self.url, self.ttl, self.kid_cooldown, self.timeout = url, ttl, kid_cooldown, timeout
        self._keys: dict[str, object] = {}
        self._fetched_at = float("-inf")
        self._last_miss_fetch = self._retry_at = float("-inf")
        self._misses: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, header: dict, _payload: dict | None = None):
        return self.key(header.get("kid"))

    def key(self, kid: str | None):
        now = time.monotonic()
        if now - self._fetched_at >= self.ttl and now >= self._retry_at:
            self._refresh()
        if time.monotonic() - self._fetched_at >= STALE_LIMIT:
            raise Unavailable("Cannot verify tokens right now", code="AUTH_UNAVAILABLE")
        found = self._keys.get(kid or "")
        if found is None and self._may_refetch_for(kid or "", now):
            self._refresh()
            found = self._keys.get(kid or "")
        if found is None:
            raise UnknownKey("Unknown signing key")
        return found

    def _may_refetch_for(self, kid: str, now: float) -> bool:
        with self._lock:
            if now - self._misses.get(kid, float("-inf")) < self.kid_cooldown:
                return False
            if now - self._last_miss_fetch < FETCH_FLOOR:
                return False
            self._misses[kid] = self._last_miss_fetch = now
            self._misses.move_to_end(kid)
            while len(self._misses) > SEEN_KIDS:
                self._misses.popitem(last=False)
            return True

    def _refresh(self) -> None:
        """One fetch at a time; a thread that waited behind another's fetch uses its result."""
        started = self._fetched_at
        with self._lock:
            if self._fetched_at != started:
                return
            try:
                resp = requests.get(self.url, timeout=self.timeout)
                resp.raise_for_status()
                keyset = jwt.PyJWKSet.from_dict(resp.json())
            except (requests.RequestException, ValueError, jwt.PyJWTError) as e:
                log.warning("JWKS unavailable", extra={"error": type(e).__name__})
                # Not every request waits on a down auth service; the set in hand serves until STALE_LIMIT.
                self._retry_at = time.monotonic() + RETRY_AFTER
                return
            self._keys = {k.key_id: k.key for k in keyset.keys if k.key_id}
            self._fetched_at = time.monotonic()
