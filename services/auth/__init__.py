"""The auth service: credentials, roles and tokens (RS256 JWTs published as a JWKS)."""

from __future__ import annotations

import atexit
import logging

from flask import Flask
from redis.exceptions import RedisError

from common.mongo import get_database
from common.redis_store import BACKGROUND_TIMEOUT, create_redis
from common.service_app import create_service_app, start_workers

from . import metrics, role_routes, routes, service
from .keys import load_key_ring
from .passwords import Passwords
from .ratelimit import RateLimiter, parse_rules
from .repository import AccountRepository
from .revocations import Revocations, RevocationWatcher
from .roles import AccountVerifier, Roles
from .tokens import Tokens

log = logging.getLogger(__name__)


def create_app(config: dict | None = None) -> Flask:
    app = create_service_app("auth", __name__, config)
    settings, redis = app.extensions["settings"], app.extensions["redis"]
    accounts = get_database(app)["accounts"]
    repo = AccountRepository(accounts)
    repo.ensure_indexes()
    ring = load_key_ring(settings)
    passwords = Passwords()
    revocations = _revocations(app, get_database(app)["revocations"])
    app.extensions.update(
        {
            "auth.repo": repo,
            "auth.key": ring.current,
            "auth.keys": ring,
            "auth.passwords": passwords,
            "auth.revocations": revocations,
            "auth.tokens": Tokens(ring.current, redis, revocations=revocations, verify_keys=ring.public_keys()),
            "auth.limiter": RateLimiter(redis, parse_rules(settings.auth_rate_limits)),
        }
    )
    app.register_blueprint(routes.bp)
    metrics.install(app)
    roles = Roles(accounts, get_database(app)["role_counts"])  # the back office (issue 13)
    app.extensions["auth.roles"] = roles
    app.extensions["verifier"] = AccountVerifier(app.extensions["auth.tokens"], accounts)
    app.register_blueprint(role_routes.bp)
    roles.count_existing()  # before the admin account is ensured, which counts itself in
    service.ensure_admin(repo, passwords, settings.admin_email, settings.admin_password, promoted=roles.promoted)
    start_workers(app, outbox=[accounts])
    if settings.run_workers:
        watcher = RevocationWatcher(revocations).start()
        atexit.register(watcher.stop)
    return app


def _revocations(app: Flask, collection) -> Revocations:
    """Revocations live in MongoDB; Redis gets a copy now and again whenever it loses it (see revocations.py)."""
    settings, obs = app.extensions["settings"], app.extensions["observability"]
    revocations = Revocations(
        collection,
        app.extensions["redis"],
        publish_redis=create_redis(settings.redis_url, timeout=BACKGROUND_TIMEOUT),
        republished=obs.counter(
            "auth_revocations_published_total", "Full copies of the revocation list written to Redis"
        ),
    )
    revocations.ensure_indexes()
    try:
        revocations.publish()
    except RedisError as e:  # Redis down at start: the watcher publishes once it is back
        log.warning("revocations not published at start", extra={"error": type(e).__name__})
    return revocations
