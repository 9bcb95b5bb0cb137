"""JWT verification with the auth service's public keys (JWKS), never a shared secret."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import jwt
from flask import current_app, g, request

from .errors import Forbidden, Unauthorized, Unavailable

REVOKED_KEY = "auth:revoked:{jti}"


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
    """Verifies RS256 access tokens against the JWKS, and against the revocation list in Redis."""

    def __init__(self, jwks_url: str, redis=None, leeway: int = 5):
        self.jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=3)
        self.redis, self.leeway = redis, leeway

    def claims(self, token: str, expected_type: str = "access") -> dict:
        try:
            key = self.jwks.get_signing_key_from_jwt(token).key
            claims = jwt.decode(token, key, algorithms=["RS256"], leeway=self.leeway,
                                options={"require": ["exp", "sub", "jti"]})
        except jwt.PyJWKClientConnectionError:
            raise Unavailable("Cannot verify tokens right now", code="AUTH_UNAVAILABLE") from None
        except jwt.ExpiredSignatureError:
            raise Unauthorized("Token expired", code="TOKEN_EXPIRED") from None
        except (jwt.PyJWTError, ValueError):
            raise Unauthorized("Invalid token", code="INVALID_TOKEN") from None
        if claims.get("type", "access") != expected_type:
            raise Unauthorized("Wrong token type", code="INVALID_TOKEN")
        if self.redis is not None and self.redis.exists(REVOKED_KEY.format(jti=claims["jti"])):
            raise Unauthorized("Token revoked", code="TOKEN_REVOKED")
        return claims

    def identity(self, token: str) -> Identity:
        c = self.claims(token)
        return Identity(user_id=str(c["sub"]), role=c.get("role", "customer"), email=c.get("email"),
                        name=c.get("name"))


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
