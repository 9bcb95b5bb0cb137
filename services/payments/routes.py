"""Payments HTTP routes: tokenise a card, read the caller's payments."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from common.auth import current_identity, require_user
from common.errors import NotFound
from common.openapi import operation, service_spec
from common.validation import parse_body, parse_query

from . import service, webhooks
from .deps import deps
from .schemas import CardIn, Charges, Method, PaymentsQuery, WebhookAnswer

bp = Blueprint("payments", __name__)
spec = service_spec("payments")


@bp.post("/api/payments/methods")
@require_user
@operation(spec, ok=201, out=Method, body=CardIn, auth="user")
def create_method():
    """Tokenise a card: the response carries a token, brand and last4, never the number."""
    method = service.tokenise(deps().methods, deps().processor, current_identity().user_id, parse_body(CardIn))
    return jsonify(method), 201


@bp.get("/api/payments")
@require_user
@operation(spec, out=Charges, query=PaymentsQuery, auth="user", errors=(404,))
def list_payments():
    """The caller's payments, optionally for one order (?order_id=)."""
    q = parse_query(PaymentsQuery)
    items = service.list_payments(deps().charges, current_identity(), q.order_id)
    return jsonify(items=items)


@bp.post("/api/payments/webhooks/<provider>")
@operation(spec, out=WebhookAnswer, errors=(404,))
def provider_webhook(provider: str):
    """A provider's signed event (Stripe-Signature): applied once; a forged or stale one is refused with 400."""
    d = deps()
    if d.provider is None or provider != d.provider.name:
        raise NotFound("No such payment provider")
    outcome = webhooks.receive(
        d.checkouts, d.provider, d.metrics, request.get_data(), request.headers.get("Stripe-Signature")
    )
    return jsonify(received=True, outcome=outcome)
