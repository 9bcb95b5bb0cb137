"""The users service: profiles and addresses in the Users DB, created from user.registered."""

from __future__ import annotations

from flask import Flask

from common.deps import install
from common.service_app import create_service_app, start_workers

from . import audit, consumers, routes
from .deps import build
from .indexes import INDEXES


def create_app(config: dict | None = None) -> Flask:
    app = create_service_app("users", __name__, INDEXES, config)
    wired = install(app, build(app))
    repo = wired.repo
    for bp in (routes.bp, audit.bp):
        app.register_blueprint(bp)
    start_workers(app, handlers=consumers.handlers(repo, wired.audit))
    return app
