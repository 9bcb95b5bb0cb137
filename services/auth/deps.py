"""What the auth service depends on: built once at start, read by its routes through deps()."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask
from redis.exceptions import RedisError

from common.deps import deps_of
from common.mongo.database import get_database
from common.platform import ApiPlatform, platform_of
from common.redis_store import BACKGROUND_TIMEOUT, create_redis

from .keys import KeyRing, SigningKey, load_key_ring
from .passwords import Passwords
from .ratelimit import RateLimiter, parse_rules
from .repository import AccountRepository
from .resets import ResetRepository
from .revocations import Revocations
from .roles import Roles
from .tokens import Tokens
from .totp import LOCAL_KEY, SecretBox, TwoFactorRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Deps:
    repo: AccountRepository
    keys: KeyRing
    passwords: Passwords
    revocations: Revocations
    tokens: Tokens
    limiter: RateLimiter
    roles: Roles  # the back office's role changes
    resets: ResetRepository  # forgotten passwords' single-use links
    shop_url: str  # where a reset link points
    two_factor: TwoFactorRepository  # admins' TOTP secrets and recovery codes
    redis: object  # pending sign-ins between the password and the code (two_factor.py)

    @property
    def key(self) -> SigningKey:
        """The key new tokens are signed with."""
        return self.keys.current


def build(app: Flask) -> Deps:
    platform, db = platform_of(app, kind=ApiPlatform), get_database(app)
    settings, redis = platform.settings, platform.redis
    repo = AccountRepository(db["accounts"])
    ring = load_key_ring(settings)
    revocations = _revocations(app, db["revocations"])
    return Deps(
        repo=repo,
        keys=ring,
        passwords=Passwords(),
        revocations=revocations,
        tokens=Tokens(ring.current, redis, revocations=revocations, verify_keys=ring.public_keys()),
        limiter=RateLimiter(redis, parse_rules(settings.auth_rate_limits)),
        roles=Roles(db["accounts"], db["role_counts"]),
        resets=ResetRepository(db["password_resets"]),
        shop_url=settings.shop_url,
        two_factor=TwoFactorRepository(db["two_factor"], SecretBox(_two_factor_key(settings))),
        redis=redis,
    )


def _two_factor_key(settings) -> str | None:
    key = settings.secret("two_factor_key") or (LOCAL_KEY if settings.local_mode else None)
    if key is None:
        log.warning("TWO_FACTOR_KEY is not set: TOTP secrets are stored unencrypted")
    return key


def _revocations(app: Flask, collection) -> Revocations:
    """Revocations live in MongoDB; Redis gets a copy now and again whenever it loses it (see revocations.py)."""
    platform = platform_of(app, kind=ApiPlatform)
    settings, obs = platform.settings, platform.observability
    revocations = Revocations(
        collection,
        platform.redis,
        publish_redis=create_redis(settings.redis_url, timeout=BACKGROUND_TIMEOUT),
        republished=obs.counter(
            "auth_revocations_published_total", "Full copies of the revocation list written to Redis"
        ),
    )
    try:
        revocations.publish()
    except RedisError as e:  # Redis down at start: the watcher publishes once it is back
        log.warning("revocations not published at start", extra={"error": type(e).__name__})
    return revocations


def deps(app: Flask | None = None) -> Deps:
    return deps_of(Deps, app)
