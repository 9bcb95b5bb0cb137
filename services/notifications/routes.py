"""Notifications HTTP routes: the caller's own delivery log."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from pydantic import BaseModel, Field

from common.auth import current_identity, require_user
from common.openapi import operation, service_spec
from common.validation import QueryModel, parse_query

from . import service

bp = Blueprint("notifications", __name__)
spec = service_spec("notifications")


class Delivery(BaseModel):
    id: str
    channel: str
    to: str
    template: str | None
    subject: str | None
    status: str
    created_at: str | None
    sent_at: str | None


class DeliveryPage(BaseModel):
    items: list[Delivery]
    total: int
    page: int
    per_page: int
    pages: int


class LogQuery(QueryModel):
    page: int = Field(default=1, ge=1, le=10_000)
    per_page: int = Field(default=20, ge=1, le=100)


@bp.get("/api/notifications")
@require_user
@operation(spec, out=DeliveryPage, query=LogQuery, auth="user")
def list_notifications():
    """The caller's emails and SMS, newest first."""
    query = parse_query(LogQuery)
    repo = current_app.extensions["notifications.repo"]
    return jsonify(service.list_for_user(repo, current_identity().user_id, query.page, query.per_page))
