"""Notifications HTTP routes: the caller's own delivery log."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from pydantic import Field

from common.auth import current_identity, require_user
from common.validation import QueryModel, parse_query

from . import service

bp = Blueprint("notifications", __name__)


class LogQuery(QueryModel):
    page: int = Field(default=1, ge=1, le=10_000)
    per_page: int = Field(default=20, ge=1, le=100)


@bp.get("/api/notifications")
@require_user
def list_notifications():
    """The caller's emails and SMS, newest first."""
    query = parse_query(LogQuery)
    repo = current_app.extensions["notifications.repo"]
    return jsonify(service.list_for_user(repo, current_identity().user_id, query.page, query.per_page))
