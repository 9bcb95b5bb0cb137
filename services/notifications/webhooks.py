"""Outbound webhooks (Standard Webhooks): endpoints the owner adds, one signed message per event and endpoint,
retried with an exponential backoff for 24 h; an endpoint failing for 24 h is disabled and the admins are told."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pymongo.errors import DuplicateKeyError

from common.backoff import exponential
from common.errors import Conflict, NotFound, ValidationError
from common.mongo.audit import AuditOutbox

from .ssrf import UnsafeUrl, check_url
from .webhook_repository import EndpointRepository, WebhookDeliveryRepository

log = logging.getLogger(__name__)
EVENT_TYPES = (
    "order.placed",
    "order.confirmed",
    "order.cancelled",
    "order.shipped",
    "order.delivered",
    "payment.refunded",
    "product.changed",
    "stock.low",
)
RETRY_FOR = timedelta(hours=24)  # a message, and an endpoint, are given up after a day of failures
FIRST_RETRY, LONGEST_WAIT = 5.0, 2 * 3600.0  # seconds: 5 s, 10 s, 20 s … then every 2 h
REPEAT_WINDOW = timedelta(minutes=10)
LEASE = timedelta(minutes=2)  # a claimed message comes due again if its sender dies mid-send


@dataclass(frozen=True)
class Webhooks:
    """What the webhook use cases need: both repositories, the clock (movable in tests) and the send policy."""

    endpoints: EndpointRepository
    deliveries: WebhookDeliveryRepository
    clock: Callable[[], datetime]
    allow_private: bool = False
    trail: AuditOutbox | None = None  # the admin's changes and their audit entries, one transaction each


# An admin's change to an endpoint: `audited(endpoint_id)(before, after)` is its admin.action event.
Audited = Callable[[str], Callable[[dict | None, dict | None], object]]


def _audited_write(hooks: Webhooks, audited: Audited | None, endpoint_id: str, change):
    """`change(session)` -> (result, before, after; after None: nothing changed), with its audit entry in the same
    transaction when the admin is recorded; the plain change otherwise (the service's own jobs)."""
    if hooks.trail is None or audited is None:
        return change(None)[0]

    def work(session):
        result, before, after = change(session)
        return result, None if after is None else audited(endpoint_id)(before, after)

    return hooks.trail.write(work)


def new_secret() -> str:
    """A Standard Webhooks secret: whsec_ and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _checked_url(url: str, allow_private: bool) -> str:
    try:
        return check_url(url, allow_private)
    except UnsafeUrl as e:
        raise ValidationError(str(e), {"fields": {"url": str(e)}}, code="WEBHOOK_URL_REFUSED") from e


def add_endpoint(
    hooks: Webhooks,
    url: str,
    events: list[str],
    description: str = "",
    key: str | None = None,
    audited: Audited | None = None,
) -> dict:
    """A new endpoint and its secret: the only answer that ever shows the secret. The same form sent twice (its
    Idempotency-Key) within REPEAT_WINDOW answers the first endpoint again, so a double submit adds one."""
    if key and (earlier := hooks.endpoints.by_key(key)):
        if hooks.clock() - earlier["created_at"] > REPEAT_WINDOW:
            raise Conflict("This form was already used; open the page again.", code="WEBHOOK_FORM_USED")
        return {**public_endpoint(earlier), "secret": earlier["secret"]}
    unknown = sorted(set(events) - set(EVENT_TYPES))
    if unknown or not events:
        raise ValidationError("Choose at least one event type.", {"fields": {"events": "Choose the events to send."}})
    endpoint_id = uuid.uuid4().hex
    endpoint = {
        "_id": endpoint_id,
        "url": _checked_url(url, hooks.allow_private),
        "events": [e for e in EVENT_TYPES if e in events],
        "description": description,
        "secret": new_secret(),
        "enabled": True,
        "failing_since": None,
        "disabled_at": None,
        "created_at": hooks.clock(),
        **({"idempotency_key": key} if key else {}),
    }

    def insert(session):
        hooks.endpoints.add(endpoint, session)
        return None, None, {"url": endpoint["url"], "events": endpoint["events"]}

    try:
        _audited_write(hooks, audited, endpoint_id, insert)
    except DuplicateKeyError:  # the same form, sent twice at once: the first one won
        return add_endpoint(hooks, url, events, description, key, audited)
    log.info("webhook endpoint added", extra={"endpoint_id": endpoint["_id"], "events": endpoint["events"]})
    return {**public_endpoint(endpoint), "secret": endpoint["secret"]}


def _endpoint(hooks: Webhooks, endpoint_id: str) -> dict:
    found = hooks.endpoints.get(endpoint_id)
    if not found:
        raise NotFound("No such webhook endpoint", code="WEBHOOK_NOT_FOUND")
    return found


def endpoint_detail(hooks: Webhooks, endpoint_id: str) -> dict:
    endpoint = _endpoint(hooks, endpoint_id)
    recent = [public_delivery(d) for d in hooks.deliveries.for_endpoint(endpoint_id)]
    return {**public_endpoint(endpoint), "deliveries": recent}


def list_endpoints(hooks: Webhooks) -> list[dict]:
    return [public_endpoint(e) for e in hooks.endpoints.all()]


def set_enabled(hooks: Webhooks, endpoint_id: str, enabled: bool, audited: Audited | None = None) -> dict:
    before = _endpoint(hooks, endpoint_id)
    changes = {"enabled": enabled, "failing_since": None, "disabled_at": None if enabled else hooks.clock()}

    def change(session):
        updated = hooks.endpoints.update(endpoint_id, changes, session)
        return updated, {"enabled": before["enabled"]}, None if updated is None else {"enabled": enabled}

    return public_endpoint(_audited_write(hooks, audited, endpoint_id, change) or {})


def remove_endpoint(hooks: Webhooks, endpoint_id: str, audited: Audited | None = None) -> None:
    def change(session):
        gone = hooks.endpoints.find_and_delete(endpoint_id, session)
        if gone is not None:
            hooks.deliveries.drop_for_endpoint(endpoint_id, session)
        return gone, gone and {"url": gone["url"]}, gone and {"deleted": True}

    if _audited_write(hooks, audited, endpoint_id, change) is None:
        raise NotFound("No such webhook endpoint", code="WEBHOOK_NOT_FOUND")


def resend(hooks: Webhooks, endpoint_id: str, delivery_id: str, audited: Audited | None = None) -> dict:
    """Send a message again, with the same webhook-id, by the sender (never on this request)."""
    endpoint, delivery = _endpoint(hooks, endpoint_id), hooks.deliveries.get(delivery_id)
    if not delivery or delivery["endpoint_id"] != endpoint_id:
        raise NotFound("No such delivery", code="WEBHOOK_DELIVERY_NOT_FOUND")
    if not endpoint["enabled"]:
        raise Conflict("Enable the endpoint before resending.", code="WEBHOOK_DISABLED")

    def change(session):
        queued = hooks.deliveries.requeue(delivery_id, hooks.clock(), session)
        return queued, None, None if queued is None else {"delivery": delivery_id}

    return public_delivery(_audited_write(hooks, audited, endpoint_id, change) or delivery)


def message_id(endpoint_id: str, event_id: str) -> str:
    """The same event for the same endpoint is always the same message (the webhook-id receivers dedupe on)."""
    return "msg_" + hashlib.sha256(f"{endpoint_id}:{event_id}".encode()).hexdigest()[:32]


def enqueue(hooks: Webhooks, event) -> int:
    """Queue the event for every enabled endpoint subscribed to its type; a redelivered event queues nothing."""
    now, queued = hooks.clock(), 0
    payload = json.dumps({"type": event.type, "timestamp": event.occurred_at, "data": event.data}, sort_keys=True)
    for endpoint in hooks.endpoints.subscribed(event.type):
        delivery = {
            "_id": message_id(endpoint["_id"], event.event_id),
            "endpoint_id": endpoint["_id"],
            "event_id": event.event_id,
            "type": event.type,
            "payload": payload,
            "status": "pending",
            "attempts": 0,
            "next_at": now,
            "created_at": now,
            "window_start": now,
            "response_code": None,
            "error": None,
        }
        queued += hooks.deliveries.add(delivery)
    return queued


def retry_wait(attempts: int) -> timedelta:
    return timedelta(seconds=exponential(attempts, FIRST_RETRY, LONGEST_WAIT))


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else value


def public_endpoint(doc: dict) -> dict:
    fields = ("url", "events", "description", "enabled")
    dates = {k: _iso(doc.get(k)) for k in ("created_at", "failing_since", "disabled_at")}
    return {"id": doc.get("_id"), **{k: doc.get(k) for k in fields}, **dates}


def public_delivery(doc: dict) -> dict:
    fields = ("type", "status", "attempts", "response_code", "error", "event_id")
    dates = {k: _iso(doc.get(k)) for k in ("created_at", "last_attempt_at", "next_at")}
    return {"id": doc["_id"], **{k: doc.get(k) for k in fields}, **dates}
