"""The back office's audit trail (admin): who did what, when, with the facts before and after, per subject.

Product, stock, role and dead-letter changes are recorded by the service that makes them, in the same write as
the change (common/audit.py: an `admin.action` event in its outbox, kept here by the consumer below), so no API
call can skip or forge them. The other back-office actions are still reported through POST /api/audit, which refuses the
actions the services record themselves. The actor comes from a verified token, never from a body."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from flask import Blueprint, jsonify
from pydantic import BaseModel, Field, StringConstraints
from pymongo import DESCENDING

from common.auth import current_identity, require_admin
from common.clock import now
from common.errors import Forbidden
from common.ids import ID_SCHEMA
from common.messages import AdminAction
from common.openapi import operation
from common.validation import QueryModel, StrictModel, parse_body, parse_query

from .deps import deps
from .routes import spec

bp = Blueprint("users_audit", __name__)
SUBJECT_ID = ID_SCHEMA
Subject = Literal["product", "stock", "order", "user", "event", "webhook"]
Fact = str | int | bool | None
Key = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,40}$")]
# Recorded only by the services that make these changes (in the change's own write), never through the API.
SERVICE_AUDITED = frozenset({"stock", "user", "product", "event"})
SERVICE_AUDITED_ACTIONS: frozenset[str] = frozenset()


class AuditEntry(StrictModel):
    action: str = Field(pattern=r"^[a-z]+\.[a-z_]+$", max_length=40)
    subject_type: Subject
    subject_id: str = Field(pattern=SUBJECT_ID)
    before: dict[Key, Annotated[Fact, Field(union_mode="left_to_right")]] = Field(default_factory=dict, max_length=20)
    after: dict[Key, Annotated[Fact, Field(union_mode="left_to_right")]] = Field(default_factory=dict, max_length=20)


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


def _audit():
    return deps().audit


def _public(doc: dict) -> dict:
    return {
        "id": doc["_id"],
        "at": doc["at"].strftime("%Y-%m-%d %H:%M:%S UTC"),
        **{
            k: doc.get(k)
            for k in ("actor_id", "actor_email", "action", "subject_type", "subject_id", "before", "after")
        },
    }


@bp.post("/api/audit")
@require_admin
@operation(spec, ok=201, out=AuditRecord, body=AuditEntry, auth="admin", errors=(403,))
def record_action():
    """Record an admin action (admin); the actor is the caller."""
    entry, who = parse_body(AuditEntry), current_identity()
    if entry.subject_type in SERVICE_AUDITED or entry.action in SERVICE_AUDITED_ACTIONS:
        raise Forbidden("The service that makes this change records it", code="AUDITED_BY_SERVICE")
    for facts in (entry.before, entry.after):  # long text is kept short: the trail says what changed, not all of it
        facts.update({k: v[:300] for k, v in facts.items() if isinstance(v, str)})
    doc = {
        "_id": uuid.uuid4().hex,
        "at": now(),
        "actor_id": who.user_id,
        "actor_email": who.email,
        **entry.model_dump(),
    }
    _audit().insert_one(doc)
    return jsonify(_public(doc)), 201


def keep(trail, event) -> None:
    """admin.action: the entry, once (a redelivered event finds its id taken and changes nothing)."""
    entry = AdminAction.parse(event)
    doc = {"at": datetime.fromisoformat(event.occurred_at), "source": event.source, **entry.model_dump()}
    trail.update_one({"_id": event.event_id}, {"$setOnInsert": doc}, upsert=True)


@bp.get("/api/audit")
@require_admin
@operation(spec, out=AuditList, query=AuditQuery, auth="admin")
def list_actions():
    """The last 50 admin actions on one subject, newest first (admin)."""
    q = parse_query(AuditQuery)
    docs = _audit().find({"subject_type": q.subject_type, "subject_id": q.subject_id}).sort("at", DESCENDING)
    return jsonify(items=[_public(d) for d in docs.limit(50)])
