"""The back office's audit trail (admin): who did what, when, with the facts before and after, per subject.

Every admin change is recorded by the service that makes it, in the same write or transaction as the change
(common/mongo/audit.py: an `admin.action` event in its outbox, kept here by the consumer below), so no API call can skip
one and there is no way to write an entry by hand. The actor comes from a verified token, never from a body."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from flask import Blueprint, jsonify
from pydantic import BaseModel, Field

from common.api.openapi import operation
from common.api.validation import QueryModel, parse_query
from common.auth.identity import require_admin
from common.messaging.messages import AdminAction

from .deps import deps
from .repository import AuditRepository
from .routes import spec

bp = Blueprint("users_audit", __name__)
# A record's id, a SKU, a country, a delivery option's slug or a promo code.
SUBJECT_ID = r"^[A-Za-z0-9_-]{1,64}$"
Subject = Literal["product", "stock", "order", "user", "event", "webhook", "delivery_option", "tax_rate", "promotion"]


class AuditQuery(QueryModel):
    subject_type: Subject
    subject_id: str = Field(pattern=SUBJECT_ID)


class AuditRecord(BaseModel):
    id: str
    at: str
    actor_id: str
    actor_email: str | None
    action: str
    subject_type: str
    subject_id: str
    before: dict
    after: dict


class AuditList(BaseModel):
    items: list[AuditRecord]


def _public(doc: dict) -> dict:
    return {
        "id": doc["_id"],
        "at": doc["at"].strftime("%Y-%m-%d %H:%M:%S UTC"),
        **{
            k: doc.get(k)
            for k in ("actor_id", "actor_email", "action", "subject_type", "subject_id", "before", "after")
        },
    }


def keep(trail: AuditRepository, event) -> None:
    """admin.action: the entry, once (a redelivered event finds its id taken and changes nothing)."""
    entry = AdminAction.parse(event)
    trail.add(
        event.event_id, {"at": datetime.fromisoformat(event.occurred_at), "source": event.source, **entry.model_dump()}
    )


@bp.get("/api/audit")
@require_admin
@operation(spec, out=AuditList, query=AuditQuery, auth="admin")
def list_actions():
    """The last 50 admin actions on one subject, newest first (admin)."""
    q = parse_query(AuditQuery)
    return jsonify(items=[_public(d) for d in deps().audit.for_subject(q.subject_type, q.subject_id)])
