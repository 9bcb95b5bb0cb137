"""Payments HTTP routes: the provider's checkout for an order, the provider's webhooks, refunds, the history."""

from __future__ import annotations

import re

from flask import Blueprint, jsonify, request

from common.api.openapi import operation, service_spec
from common.api.validation import parse_body, parse_query
from common.auth import order_links
from common.auth.identity import current_identity, require_admin
from common.errors import AppError, NotFound, Unauthorized
from common.ids import is_id
from common.platform import platform_of

from . import service, webhooks
from .deps import deps
from .schemas import (
    REFUND_KEY,
    CheckoutIn,
    CheckoutOut,
    LinkHeaders,
    Payment,
    Payments,
    PaymentsQuery,
    RefundHeaders,
    RefundIn,
    WebhookAnswer,
)

bp = Blueprint("payments", __name__)
spec = service_spec("payments")


ORDER_LINK_HEADER = "X-Order-Link"


def _payer() -> service.Payer:
    """A guest's signed order link (X-Order-Link) names the one order it may pay; else the caller's token."""
    token = request.headers.get(ORDER_LINK_HEADER)
    if token is not None:
        found = order_links.read(platform_of().settings, token)
        if found is None or not is_id(found[0]):
            raise NotFound("No payment for that order")
        return service.OrderLink(*found)
    identity = current_identity()
    if identity is None:
        raise Unauthorized("Sign in, or open your order's link", code="AUTH_REQUIRED")
    return identity


def _order_id(order_id: str) -> str:
    if not is_id(order_id):
        raise NotFound("No payment for that order")
    return order_id


@bp.post("/api/payments/checkouts")
@operation(spec, ok=201, out=CheckoutOut, body=CheckoutIn, headers=LinkHeaders, auth="optional", errors=(404, 409, 503))
def create_checkout():
    """The provider's hosted page for one of the caller's orders (made once per order): send the shopper there.
    A guest names the order by its signed link (X-Order-Link). 409 PAYMENT_NOT_READY until the order's stock is
    reserved (`wait_ms` waits up to that long for it first); 409 ALREADY_PAID or ORDER_CLOSED after."""
    body = parse_body(CheckoutIn)
    d = deps()
    checkout = service.start_checkout_when_ready(
        d.charges, d.provider, d.shop, _payer(), body.order_id, d.openings, body.wait_ms / 1000
    )
    return jsonify(checkout), 201


@bp.post("/api/payments/<order_id>/sync")
@operation(spec, out=Payment, headers=LinkHeaders, auth="optional", errors=(404,))
def sync(order_id: str):
    """Ask the provider how the order's checkout stands (the return page does, in case its webhook is late)."""
    d = deps()
    doc = d.charges.get(_order_id(order_id))
    if doc is None or not service.owns(doc, _payer()):
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
@operation(spec, out=Payments, query=PaymentsQuery, headers=LinkHeaders, auth="optional", errors=(404,))
def list_payments():
    """The caller's payments with their history (authorized, captured, voided, refunded), optionally for one order;
    a guest's, by their order's signed link (X-Order-Link)."""
    q = parse_query(PaymentsQuery)
    items = service.list_payments(deps().charges, _payer(), q.order_id)
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
