"""Payments HTTP routes: tokenise a card, read the caller's payments."""

from __future__ import annotations

from flask import Blueprint, jsonify

from common.auth import current_identity, require_user
from common.openapi import operation, service_spec
from common.validation import parse_body, parse_query

from . import service
from .deps import deps
from .schemas import CardIn, Charges, Method, PaymentsQuery

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
