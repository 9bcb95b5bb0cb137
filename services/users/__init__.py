"""The users service: profiles and addresses in the Users DB, created from user.registered."""

from __future__ import annotations

from flask import Flask

from common.mongo import get_database
from common.service_app import create_service_app, start_workers

from . import audit, routes, service
from .repository import ProfileRepository


def create_app(config: dict | None = None) -> Flask:
    app = create_service_app("users", __name__, config)
    db = get_database(app)
    repo = ProfileRepository(db["profiles"])
    repo.ensure_indexes()
    app.extensions["users.repo"] = repo
    app.register_blueprint(routes.bp)
    audit.init_app(app, db)  # the back office's audit trail (issue 13)
    start_workers(app, handlers={"user.registered": lambda event: service.profile_from_event(repo, event)})
    return app
