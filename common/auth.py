"""JWT verification with the auth service's public keys (JWKS), never a shared secret."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

import jwt
from flask import current_app, g, has_request_context, request
from redis.exceptions import RedisError

from .errors import Forbidden, Unauthorized, Unavailable
from .redis_store import RedisBreaker

log = logging.getLogger(__name__)
REVOKED_KEY = "auth:revoked:{jti}"
# Set by the auth service once every revocation it keeps in MongoDB is in Redis. Missing (Redis lost its data
# and the auth service has not republished yet) means Redis cannot tell a live token from a signed-out one.
REVOCATIONS_READY_KEY = "auth:revoked:ready"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Identity:
    user_id: str
    role: str = "customer"
    email: str | None = None
    name: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class TokenVerifier:
    """Verifies RS256 access tokens against the JWKS, and against the revocation list in Redis.

    When the revocation list cannot be read (Redis down, hung, or emptied by a restart), reads go on with the
    signature-verified token, which lives at most 15 minutes, and writes are refused with 503 AUTH_UNAVAILABLE:
    browsing survives an outage, while a signed-out token cannot change anything.
    """

    def __init__(self, jwks_url: str, redis=None, leeway: int = 5, breaker: RedisBreaker | None = None):
        self.jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=3)
        self.redis, self.leeway = redis, leeway
        self.breaker = breaker or RedisBreaker()

    def claims(self, token: str, expected_type: str = "access", write: bool | None = None) -> dict:
        try:
            key = self.jwks.get_signing_key_from_jwt(token).key
            claims = jwt.decode(
                token, key, algorithms=["RS256"], leeway=self.leeway, options={"require": ["exp", "sub", "jti"]}
            )
        except jwt.PyJWKClientConnectionError:
            raise Unavailable("Cannot verify tokens right now", code="AUTH_UNAVAILABLE") from None
        except jwt.ExpiredSignatureError:
            raise Unauthorized("Token expired", code="TOKEN_EXPIRED") from None
        except (jwt.PyJWTError, ValueError):
            raise Unauthorized("Invalid token", code="INVALID_TOKEN") from None
        if claims.get("type", "access") != expected_type:
            raise Unauthorized("Wrong token type", code="INVALID_TOKEN")
        if self.redis is not None:
            self._check_revocation(claims["jti"], is_write() if write is None else write)
        return claims

    def _check_revocation(self, jti: str, write: bool) -> None:
        try:
            revoked, ready = self.breaker.call(self.redis.mget, REVOKED_KEY.format(jti=jti), REVOCATIONS_READY_KEY)
        except RedisError as e:
            revoked, ready = None, None
            log.warning("revocation list unreadable", extra={"error": type(e).__name__})
        if revoked:
            raise Unauthorized("Token revoked", code="TOKEN_REVOKED")
        if not ready and write:
            raise Unavailable(
                "Cannot check sign-outs right now; try again shortly",
                code="AUTH_UNAVAILABLE",
                details={"retry_after": 1},
            )

    def identity(self, token: str, write: bool | None = None) -> Identity:
        c = self.claims(token, write=write)
        return Identity(user_id=str(c["sub"]), role=c.get("role", "customer"), email=c.get("email"), name=c.get("name"))


def is_write() -> bool:
    """Outside a request (a script, a test) every use counts as a write: the strict side of the policy."""
    return not has_request_context() or request.method not in SAFE_METHODS


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_identity(optional: bool = True) -> Identity | None:
    """The caller's identity from the bearer token, verified once per request."""
    if "identity" not in g:
        token = bearer_token()
        g.identity = current_app.extensions["verifier"].identity(token) if token else None
    if g.identity is None and not optional:
        raise Unauthorized("Sign in required", code="AUTH_REQUIRED")
    return g.identity


def require_user(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        current_identity(optional=False)
        return view(*args, **kwargs)

    return wrapper


def require_admin(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_identity(optional=False).is_admin:
            raise Forbidden("Admin role required")
        return view(*args, **kwargs)

    return wrapper
