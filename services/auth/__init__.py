"""The auth service: credentials, roles and tokens (RS256 JWTs published as a JWKS)."""

from __future__ import annotations

from flask import Flask

from common.deps import install
from common.platform import platform_of
from common.service_app import create_service_app, start_workers

from . import deletion_routes, email_change_routes, metrics, role_routes, routes, service, two_factor_routes
from .deps import build
from .indexes import INDEXES
from .revocations import RevocationWatcher
from .roles import AccountIdentity
from .tokens import install_issuer


def create_app(config: dict | None = None) -> Flask:
    app = create_service_app("auth", __name__, INDEXES, config)
    settings, deps = platform_of(app).settings, install(app, build(app))
    install_issuer(app, deps.tokens, AccountIdentity(deps.repo.accounts))
    for bp in (routes.bp, role_routes.bp, email_change_routes.bp, two_factor_routes.bp, deletion_routes.bp):
        app.register_blueprint(bp)
    metrics.install(app)
    deps.roles.count_existing()  # before the admin account is ensured, which counts itself in
    service.ensure_admin(
        deps.repo, deps.passwords, settings.admin_email, settings.admin_password, promoted=deps.roles.promoted
    )
    start_workers(
        app, outbox=[deps.repo.accounts, deps.resets.resets], workers=[lambda: RevocationWatcher(deps.revocations)]
    )
    return app
