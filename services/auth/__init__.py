"""The auth service: credentials, roles and tokens (RS256 JWTs published as a JWKS)."""
from __future__ import annotations

from flask import Flask

from common.app import create_service_app, start_workers
from common.mongo import get_database

from . import routes, service
from .keys import load_signing_key
from .passwords import Passwords
from .ratelimit import RateLimiter, parse_rules
from .repository import AccountRepository
from .tokens import Tokens


def create_app(config: dict | None = None) -> Flask:
    app = create_service_app("auth", __name__, config)
    settings, redis = app.extensions["settings"], app.extensions["redis"]
    accounts = get_database(app)["accounts"]
    repo = AccountRepository(accounts)
    repo.ensure_indexes()
    key = load_signing_key(settings)
    passwords = Passwords(**app.config.get("ARGON2", {}))
    app.extensions.update({
        "auth.repo": repo, "auth.key": key, "auth.passwords": passwords,
        "auth.tokens": Tokens(key, redis, **app.config.get("TOKEN_TTLS", {})),
        "auth.limiter": RateLimiter(redis, {**parse_rules(settings.auth_rate_limits),
                                             **app.config.get("AUTH_LIMITS", {})}),
    })
    app.register_blueprint(routes.bp)
    service.ensure_admin(repo, passwords, settings.admin_email, settings.admin_password)
    start_workers(app, outbox=[accounts])
    return app
