"""Webhook endpoints for the back office (admin): add (the secret shown once), list, detail, enable, resend."""

from __future__ import annotations

import re
from functools import partial
from typing import Annotated, Literal

from flask import Blueprint, jsonify, request
from pydantic import AfterValidator, BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

from common.api.openapi import operation
from common.api.validation import StrictModel, parse_body
from common.auth.identity import require_admin
from common.errors import NotFound, ValidationError
from common.ids import is_minted_id
from common.mongo.audit import admin_action

from . import webhooks
from .deps import deps
from .routes import spec
from .ssrf import SHAPE_REFUSED

bp = Blueprint("webhooks", __name__)
MESSAGE_ID = re.compile(r"msg_[0-9a-f]{32}")
FORM_KEY = r"^[A-Za-z0-9-]{8,64}$"
EventType = Literal[
    "order.placed",
    "order.confirmed",
    "order.cancelled",
    "order.shipped",
    "order.delivered",
    "payment.refunded",
    "product.changed",
    "stock.low",
]


# The shape the document can state; that the host resolves, and to a public address, is checked on save and send.
URL_SHAPE = r"^[Hh][Tt][Tt][Pp][Ss]?://[^/?#@\s]+([/?#]\S*)?$"
URL_RULE = "an http(s) URL whose host resolves to a public address (422 WEBHOOK_URL_REFUSED otherwise)"


def _url_shape(url: str) -> str:
    if not re.fullmatch(URL_SHAPE, url):
        raise ValueError(SHAPE_REFUSED)
    return url


class EndpointCreate(StrictModel):
    url: Annotated[
        str,
        Field(min_length=8, max_length=2000, description=URL_RULE, json_schema_extra={"pattern": URL_SHAPE}),
        AfterValidator(_url_shape),
    ]
    events: list[EventType] = Field(min_length=1, max_length=len(webhooks.EVENT_TYPES))
    description: str = Field(default="", max_length=200)


class FormKey(BaseModel):
    """A form's key: the same key within 10 minutes answers the endpoint it added, never a second one."""

    idempotency_key: Annotated[str, Field(pattern=FORM_KEY)] | SkipJsonSchema[None] = Field(
        default=None, alias="Idempotency-Key"
    )


class EndpointSwitch(StrictModel):
    enabled: bool


class Endpoint(BaseModel):
    id: str
    url: str
    events: list[str]
    description: str
    enabled: bool
    created_at: str | None
    failing_since: str | None
    disabled_at: str | None


class NewEndpoint(Endpoint):
    secret: str


class Delivery(BaseModel):
    id: str
    type: str
    status: str
    attempts: int
    response_code: int | None
    error: str | None
    event_id: str
    created_at: str | None
    last_attempt_at: str | None
    next_at: str | None


class EndpointDetail(Endpoint):
    deliveries: list[Delivery]


class Endpoints(BaseModel):
    items: list[Endpoint]


def _audited(action: str):
    """The admin's audit entry for `action` on an endpoint, written by the use case with the change."""
    return lambda endpoint_id: partial(admin_action, "notifications", action, "webhook", endpoint_id)


def _id(endpoint: str) -> str:
    if not is_minted_id(endpoint):
        raise NotFound("No such webhook endpoint", code="WEBHOOK_NOT_FOUND")
    return endpoint


@bp.get("/api/webhooks")
@require_admin
@operation(spec, out=Endpoints, auth="admin")
def list_endpoints():
    """Every webhook endpoint, oldest first (admin)."""
    return jsonify(items=webhooks.list_endpoints(deps().webhooks))


@bp.post("/api/webhooks")
@require_admin
@operation(spec, ok=201, out=NewEndpoint, body=EndpointCreate, headers=FormKey, auth="admin", errors=(409,))
def add_endpoint():
    """Add an endpoint; the answer carries its signing secret, shown this once (or to a repeat of the same
    Idempotency-Key within 10 minutes, so a form sent twice adds one endpoint) (admin)."""
    body = parse_body(EndpointCreate)
    key = request.headers.get("Idempotency-Key") or None
    if key is not None and not re.fullmatch(FORM_KEY, key):
        raise ValidationError("Invalid Idempotency-Key", {"fields": {"Idempotency-Key": "8-64 letters, digits, -"}})
    added = webhooks.add_endpoint(
        deps().webhooks, body.url, list(body.events), body.description, key, _audited("webhook.create")
    )
    return jsonify(added), 201


@bp.get("/api/webhooks/<endpoint>")
@require_admin
@operation(spec, out=EndpointDetail, auth="admin", errors=(404,))
def endpoint_detail(endpoint):
    """One endpoint and its 20 most recent deliveries (admin)."""
    return jsonify(webhooks.endpoint_detail(deps().webhooks, _id(endpoint)))


@bp.patch("/api/webhooks/<endpoint>")
@require_admin
@operation(spec, out=Endpoint, body=EndpointSwitch, auth="admin", errors=(404,))
def switch_endpoint(endpoint):
    """Enable or disable an endpoint; enabling starts its failure count afresh (admin)."""
    body = parse_body(EndpointSwitch)
    action = "webhook.enable" if body.enabled else "webhook.disable"
    return jsonify(webhooks.set_enabled(deps().webhooks, _id(endpoint), body.enabled, _audited(action)))


@bp.delete("/api/webhooks/<endpoint>")
@require_admin
@operation(spec, ok=204, auth="admin", errors=(404,))
def remove_endpoint(endpoint):
    """Remove an endpoint and its delivery history (admin)."""
    webhooks.remove_endpoint(deps().webhooks, _id(endpoint), _audited("webhook.delete"))
    return "", 204


@bp.post("/api/webhooks/<endpoint>/deliveries/<delivery>/resend")
@require_admin
@operation(spec, ok=202, out=Delivery, auth="admin", errors=(404, 409))
def resend(endpoint, delivery):
    """Queue a message again under the same webhook-id; the sender posts it (admin)."""
    if not MESSAGE_ID.fullmatch(delivery):
        raise NotFound("No such delivery", code="WEBHOOK_DELIVERY_NOT_FOUND")
    queued = webhooks.resend(deps().webhooks, _id(endpoint), delivery, _audited("webhook.resend"))
    deps().webhook_sender.wake.set()
    return jsonify(queued), 202
