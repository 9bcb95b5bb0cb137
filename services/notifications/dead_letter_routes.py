"""Dead-letter routes for the back office (admin): list, replay, discard."""

from __future__ import annotations

from functools import partial
from typing import Literal

from flask import Blueprint, jsonify
from pydantic import BaseModel

from common.api.openapi import operation
from common.api.paging import PageQuery
from common.api.validation import parse_query
from common.auth.identity import require_admin
from common.errors import NotFound
from common.ids import is_minted_id
from common.messaging.kafka_options import client_options
from common.mongo.audit import admin_action
from common.platform import platform_of

from .dead_letters import Collector, DeadLetters
from .deps import deps
from .routes import spec

bp = Blueprint("dead_letters", __name__)


class LetterQuery(PageQuery):
    status: Literal["waiting", "replayed", "discarded"] = "waiting"


class Letter(BaseModel):
    id: str
    topic: str
    dlq_topic: str
    error: str | None
    event_id: str | None
    type: str | None
    preview: str | None
    status: str
    received_at: str | None
    handled_at: str | None


class LetterPage(BaseModel):
    items: list[Letter]
    total: int
    page: int
    per_page: int
    pages: int


def collector(app) -> Collector:
    """The consumer that files every dead letter of the saga's topics (started by start_workers)."""
    settings = platform_of(app).settings
    options = {**client_options(settings), "bootstrap_servers": settings.kafka_bootstrap}
    return Collector(options, deps(app).dead_letters)


def _letters() -> DeadLetters:
    return deps().dead_letters


def _checked(letter: str) -> str:
    if not is_minted_id(letter):
        raise NotFound("No such dead letter", code="DEAD_LETTER_NOT_FOUND")
    return letter


@bp.get("/api/events/dead-letters")
@require_admin
@operation(spec, out=LetterPage, query=LetterQuery, auth="admin")
def list_dead_letters():
    """Messages dead-lettered on any <topic>.dlq, newest first, with their error (admin)."""
    q = parse_query(LetterQuery)
    return jsonify(_letters().page(q.status, q))


@bp.post("/api/events/dead-letters/<letter>/replay")
@require_admin
@operation(spec, out=Letter, auth="admin", errors=(404, 409))
def replay_dead_letter(letter):
    """Send a waiting dead letter back to its topic; consumers' inboxes keep the effect once (admin)."""
    letter = _checked(letter)
    return jsonify(_letters().replay(letter, partial(admin_action, "notifications", "event.replay", "event", letter)))


@bp.post("/api/events/dead-letters/<letter>/discard")
@require_admin
@operation(spec, out=Letter, auth="admin", errors=(404, 409))
def discard_dead_letter(letter):
    """Set a waiting dead letter aside for good (admin)."""
    letter = _checked(letter)
    return jsonify(_letters().discard(letter, partial(admin_action, "notifications", "event.discard", "event", letter)))
