"""The event envelope and the outbox that travels inside each aggregate document."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from ..observability.logs import current_request_id
from ..observability.tracing import current_traceparent

OUTBOX_FIELD = "_outbox"
# Called with the event ids each time outbox entries are built for a write: the in-process relay publishes them
# as soon as the write lands instead of waiting for its next look (see OutboxRelay.expect).
_outbox_listeners: list[Callable[[list[str]], None]] = []


def on_outbox_write(listener: Callable[[list[str]], None]) -> None:
    _outbox_listeners.append(listener)


def off_outbox_write(listener: Callable[[list[str]], None]) -> None:
    if listener in _outbox_listeners:
        _outbox_listeners.remove(listener)


@dataclass(frozen=True)
class Event:
    type: str
    data: dict
    source: str
    correlation_id: str | None = None
    version: int = 1
    event_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    occurred_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    traceparent: str | None = None  # W3C Trace Context of the span that made the event (DESIGN.md, Events)

    def envelope(self) -> dict:
        body = asdict(self)
        if body["traceparent"] is None:  # optional in the envelope: absent when nothing was traced
            del body["traceparent"]
        return body

    def to_json(self) -> bytes:
        return json.dumps(self.envelope(), separators=(",", ":"), default=str).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Event:
        body = json.loads(raw)
        if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
            raise ValueError("not an event envelope")
        known = {k: body[k] for k in cls.__dataclass_fields__ if k in body}
        return cls(**known)


def make_event(type_: str, data: dict, source: str, correlation_id: str | None = None) -> Event:
    return Event(
        type=type_,
        data=data,
        source=source,
        correlation_id=correlation_id or current_request_id(),
        traceparent=current_traceparent(),
    )


def outbox_entries(*events: Event) -> list[dict]:
    """Outbox entries to store in the same document write as the state change; the relay hears of them."""
    for listener in list(_outbox_listeners):
        listener([e.event_id for e in events])
    return [e.envelope() for e in events]


def push_outbox(*events: Event) -> dict:
    """A `$push` clause adding events to a document's outbox within an update."""
    return {OUTBOX_FIELD: {"$each": outbox_entries(*events)}}
