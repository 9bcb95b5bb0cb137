"""JWT verification by flask-jwt-extended with the auth service's public keys (JWKS), never a shared secret."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, overload

from flask import Flask, current_app, g, has_request_context, request
from flask_jwt_extended import JWTManager, decode_token, get_current_user, verify_jwt_in_request
from flask_jwt_extended.exceptions import JWTExtendedException, RevokedTokenError, UserLookupError, WrongTokenError
from jwt.exceptions import ExpiredSignatureError, PyJWTError
from redis.exceptions import RedisError

from ..errors import AppError, Forbidden, Unauthorized, Unavailable
from ..redis_store import RedisBreaker
from .session import ACCESS_COOKIE, REFRESH_COOKIE

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


class RedisBlocklist:
    """flask-jwt-extended's token_in_blocklist_loader over the revocation list the auth service keeps in Redis.

    When the list cannot be read (Redis down, hung, or emptied by a restart), reads go on with the
    signature-verified token, which lives at most 15 minutes, and writes are refused with 503 AUTH_UNAVAILABLE:
    browsing survives an outage, while a signed-out token cannot change anything.
    """

    def __init__(self, redis, breaker: RedisBreaker | None = None):
        self.redis, self.breaker = redis, breaker or RedisBreaker()

    def __call__(self, _header: dict, claims: dict) -> bool:
        try:
            revoked, ready = self.breaker.call(
                self.redis.mget, REVOKED_KEY.format(jti=claims["jti"]), REVOCATIONS_READY_KEY
            )
        except RedisError as e:
            revoked, ready = None, None
            log.warning("revocation list unreadable", extra={"error": type(e).__name__})
        if revoked:
            return True
        if not ready and is_write():
            raise Unavailable(
                "Cannot check sign-outs right now; try again shortly",
                code="AUTH_UNAVAILABLE",
                details={"retry_after": 1},
            )
        return False


def never_revoked(_header: dict, _claims: dict) -> bool:
    """For a process without the revocation list (the fragments): the gateway checks it on every API call."""
    return False


def identity_from_claims(_header: dict, claims: dict) -> Identity:
    return Identity(
        user_id=str(claims["sub"]),
        role=claims.get("role", "customer"),
        email=claims.get("email"),
        name=claims.get("name"),
    )


def install_jwt(
    app: Flask,
    keys: Callable[[dict, dict], Any],
    blocklist: Callable[[dict, dict], bool] = never_revoked,
    identity: Callable[[dict, dict], Identity | None] = identity_from_claims,
    locations: tuple[str, ...] = ("headers",),
) -> JWTManager:
    """flask-jwt-extended verifies this process's tokens: RS256 only, the key chosen by `keys` (the JWKS hook in
    common/auth/jwks.py, or the auth service's own ring), revocation by `blocklist`, the Identity made by `identity`."""
    app.config.update(
        JWT_ALGORITHM="RS256",
        JWT_DECODE_ALGORITHMS=["RS256"],
        JWT_DECODE_LEEWAY=5,
        JWT_TOKEN_LOCATION=list(locations),
        JWT_ENCODE_NBF=False,
        # The storefront's forms (guests' too) carry the double-submit token of common/web/csrf.py.
        JWT_COOKIE_CSRF_PROTECT=False,
        JWT_ACCESS_COOKIE_NAME=ACCESS_COOKIE,
        JWT_REFRESH_COOKIE_NAME=REFRESH_COOKIE,
    )
    app.extensions["jwt_checks"] = (blocklist, identity)  # token_identity() applies them to a token by hand
    # The auth service installs its own key ring over the JWKS verifier every JSON app starts with.
    manager = app.extensions.get("flask-jwt-extended") or JWTManager(app)
    manager.decode_key_loader(keys)
    manager.token_in_blocklist_loader(blocklist)
    manager.user_lookup_loader(identity)
    manager.token_verification_loader(has_required_claims)
    return manager


def has_required_claims(_header: dict, claims: dict) -> bool:
    """The library requires only `sub`; our tokens always expire and always carry the id revocation keys on."""
    return bool(claims.get("exp") and claims.get("jti"))


# flask-jwt-extended's refusals as this project's error codes (one JSON error shape everywhere).
def _refusal(e: Exception) -> AppError:
    if isinstance(e, ExpiredSignatureError):
        return Unauthorized("Token expired", code="TOKEN_EXPIRED")
    if isinstance(e, RevokedTokenError):
        return Unauthorized("Token revoked", code="TOKEN_REVOKED")
    if isinstance(e, WrongTokenError):
        return Unauthorized("Wrong token type", code="INVALID_TOKEN")
    if isinstance(e, UserLookupError):
        return Unauthorized("Unknown account", code="INVALID_TOKEN")
    return Unauthorized("Invalid token", code="INVALID_TOKEN")


def verified_identity(locations: tuple[str, ...] | None = None) -> Identity | None:
    """The request's token (bearer header, or the session cookie where `locations` says so) checked with
    verify_jwt_in_request: signature, expiry, type, revocation; None when the request carries none."""
    try:
        found = verify_jwt_in_request(optional=True, locations=list(locations) if locations else None)
    except (JWTExtendedException, PyJWTError) as e:
        raise _refusal(e) from None
    return get_current_user() if found else None


def token_identity(token: str) -> Identity:
    """A token that is not the request's own (one the shell just renewed): the same checks, by decode_token."""
    try:
        claims = decode_token(token)
        if claims.get("type") != "access" or not has_required_claims({}, claims):
            raise WrongTokenError("Only access tokens are allowed")
        blocklist, identity = current_app.extensions["jwt_checks"]
        if blocklist({}, claims):
            raise RevokedTokenError({}, claims)
        found = identity({}, claims)
    except (JWTExtendedException, PyJWTError) as e:
        raise _refusal(e) from None
    if found is None:
        raise _refusal(UserLookupError("Unknown account", {}, claims))
    return found


def is_write() -> bool:
    """Outside a request (a script, a test) every use counts as a write: the strict side of the policy."""
    return not has_request_context() or request.method not in SAFE_METHODS


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@overload
def current_identity(optional: Literal[False]) -> Identity: ...


@overload
def current_identity(optional: bool = True) -> Identity | None: ...


def current_identity(optional: bool = True) -> Identity | None:
    """The caller's identity from the bearer token, verified once per request."""
    if "identity" not in g:
        g.identity = verified_identity()
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
