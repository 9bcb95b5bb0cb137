"""Notifications HTTP routes: the caller's own delivery log."""

from __future__ import annotations

from flask import Blueprint, jsonify
from pydantic import BaseModel

from common.api.openapi import operation, service_spec
from common.api.paging import Page, PageQuery
from common.api.validation import parse_query
from common.auth.identity import current_identity, require_user

from . import service
from .deps import deps

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


class DeliveryPage(Page[Delivery]):
    pass


class LogQuery(PageQuery):
    pass


@bp.get("/api/notifications")
@require_user
@operation(spec, out=DeliveryPage, query=LogQuery, auth="user")
def list_notifications():
    """The caller's emails and SMS, newest first."""
    query = parse_query(LogQuery)
    return jsonify(service.list_for_user(deps().repo, current_identity().user_id, query))
