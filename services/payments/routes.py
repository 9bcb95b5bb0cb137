"""Payments HTTP routes: the provider's checkout for an order, the provider's webhooks, refunds, the history."""

from __future__ import annotations

import re

from flask import Blueprint, jsonify, request

from common.auth import current_identity, require_admin, require_user
from common.errors import AppError, NotFound
from common.ids import is_id
from common.openapi import operation, service_spec
from common.validation import parse_body, parse_query

from . import service, webhooks
from .deps import deps
from .schemas import (
    REFUND_KEY,
    CheckoutIn,
    CheckoutOut,
    Payment,
    Payments,
    PaymentsQuery,
    RefundHeaders,
    RefundIn,
    WebhookAnswer,
)

bp = Blueprint("payments", __name__)
spec = service_spec("payments")


def _order_id(order_id: str) -> str:
    if not is_id(order_id):
        raise NotFound("No payment for that order")
    return order_id


@bp.post("/api/payments/checkouts")
@require_user
@operation(spec, ok=201, out=CheckoutOut, body=CheckoutIn, auth="user", errors=(409, 503))
def create_checkout():
    """The provider's hosted page for one of the caller's orders (made once per order): send the shopper there.
    409 PAYMENT_NOT_READY until the order's stock is reserved; 409 ALREADY_PAID or ORDER_CLOSED after."""
    body = parse_body(CheckoutIn)
    d = deps()
    checkout = service.start_checkout(d.charges, d.provider, d.shop, current_identity(), body.order_id)
    return jsonify(checkout), 201


@bp.post("/api/payments/<order_id>/sync")
@require_user
@operation(spec, out=Payment, auth="user", errors=(404,))
def sync(order_id: str):
    """Ask the provider how the order's checkout stands (the return page does, in case its webhook is late)."""
    d, identity = deps(), current_identity()
    doc = d.charges.get(_order_id(order_id))
    if doc is None or identity is None or (doc.get("user_id") != identity.user_id and not identity.is_admin):
        raise NotFound("No payment for that order")
    if doc.get("session_id") and d.provider is not None:
        doc = service.settle(d.charges, d.provider, order_id, doc["session_id"], d.metrics) or doc
    return jsonify(service.public_payment(doc))


@bp.post("/api/payments/<order_id>/refunds")
@require_admin
@operation(spec, ok=201, out=Payment, body=RefundIn, headers=RefundHeaders, auth="admin", errors=(404, 409, 503))
def create_refund(order_id: str):
    """Refund part or all of a captured (shipped) payment; all refunds together never exceed the captured total.
    422 REFUND_TOO_LARGE says how much is left."""
    key = request.headers.get("Idempotency-Key", "")
    if not re.fullmatch(REFUND_KEY, key):
        raise AppError(
            "Send an Idempotency-Key header of 8-100 letters, digits, _ or -", code="INVALID_IDEMPOTENCY_KEY"
        )
    body = parse_body(RefundIn)
    d = deps()
    return jsonify(service.refund(d.charges, d.provider, _order_id(order_id), body.amount, key, d.metrics)), 201


@bp.get("/api/payments")
@require_user
@operation(spec, out=Payments, query=PaymentsQuery, auth="user", errors=(404,))
def list_payments():
    """The caller's payments with their history (authorized, captured, voided, refunded), optionally for one order."""
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
        d.deliveries, d.charges, d.provider, d.metrics, request.get_data(), request.headers.get("Stripe-Signature")
    )
    return jsonify(received=True, outcome=outcome)
