"""Order HTTP routes: thin adapters from requests to service functions."""

from __future__ import annotations

import re
from functools import partial

from flask import Blueprint, jsonify, request

from common import carriers
from common.api.openapi import operation, service_spec
from common.api.validation import parse_body, parse_query
from common.auth import order_links
from common.auth.identity import Identity, current_identity, require_admin, require_user
from common.errors import AppError, NotFound, ValidationError
from common.ids import is_id
from common.mongo.audit import admin_action
from common.platform import platform_of

from . import service, states
from .cart_routes import guest_cart_header
from .deps import deps
from .schemas import IDEMPOTENCY_KEY, Order, OrderHeaders, OrderListQuery, OrderPage, PlaceOrder, ShipBody
from .service import SOURCE

bp = Blueprint("orders", __name__)
spec = service_spec("orders")


def _checked_id(order_id: str) -> str:
    if not is_id(order_id):
        raise NotFound("Order not found")
    return order_id


def _idempotency_key() -> str:
    key = request.headers.get("Idempotency-Key", "")
    if not key:
        raise AppError("Send an Idempotency-Key header", code="IDEMPOTENCY_KEY_REQUIRED")
    if not re.match(IDEMPOTENCY_KEY, key):
        raise AppError("Idempotency-Key must be 8-100 letters, digits or _.:-", code="INVALID_IDEMPOTENCY_KEY")
    return key


def _buyer(body: PlaceOrder) -> service.Buyer:
    """The signed-in shopper; else a guest, who gives an email and names their cart by X-Cart-Id."""
    identity, cart_id = current_identity(), guest_cart_header()
    if identity is not None:
        return service.Buyer.signed_in(identity)
    if body.email is None:
        raise ValidationError(
            "Give an email for your order, or sign in", {"fields": {"email": "required"}}, code="EMAIL_REQUIRED"
        )
    return service.Buyer.guest(body.email, body.address.name, cart_id)


@bp.post("/api/orders")
@operation(
    spec,
    ok=202,
    out=Order,
    body=PlaceOrder,
    headers=OrderHeaders,
    auth="optional",
    errors=(404, 409),
    ok_headers={"Location": {"type": "string"}, "Idempotent-Replayed": {"const": "true"}},
)
def create_order():
    """Place an order (Idempotency-Key header required): 202 with the PENDING order. A guest sends no token but an
    `email` (and the cart by X-Cart-Id): the answer carries the order's signed `link`, its only way back to it."""
    key, body = _idempotency_key(), parse_body(PlaceOrder)
    buyer = _buyer(body)
    order, created = service.place_order(deps().repo, deps().catalog, deps().cart, buyer, key, body, deps().rules)
    public = service.public_order(order)
    if buyer.user_id is None:
        public["link"] = order_links.sign(platform_of().settings, order["_id"], order["email"])
    resp = jsonify(public)
    resp.headers["Location"] = f"/api/orders/{order['_id']}"
    if not created:
        resp.headers["Idempotent-Replayed"] = "true"
    return resp, 202


@bp.get("/api/orders")
@require_user
@operation(spec, out=OrderPage, query=OrderListQuery, auth="user")
def list_orders():
    """The caller's orders, newest first."""
    q = parse_query(OrderListQuery)
    return jsonify(service.list_orders(deps().repo, current_identity(), q))


@bp.get("/api/orders/<order_id>")
@require_user
@operation(spec, out=Order, auth="user", errors=(404,))
def get_order(order_id):
    """One order: the caller's own, or any for an admin."""
    return jsonify(service.public_order(service.get_order(deps().repo, current_identity(), _checked_id(order_id))))


@bp.post("/api/orders/<order_id>/cancel")
@require_user
@operation(spec, ok=202, out=Order, auth="user", errors=(404, 409))
def cancel_order(order_id):
    """Cancel an order that has not shipped: its payment is refunded and its stock released."""
    order_id = _checked_id(order_id)
    audited = partial(admin_action, SOURCE, "order.cancel", "order", order_id)
    order = service.cancel_order(deps().repo, current_identity(), order_id, deps().rules.promotions, audited)
    return jsonify(service.public_order(order)), 202


def _linked(token: str) -> dict:
    """The order a signed link names, while its email is still the order's: else 404, as for any unknown order."""
    found = order_links.read(platform_of().settings, token)
    order = deps().repo.get(found[0]) if found and is_id(found[0]) else None
    if found is None or order is None or (order.get("email") or "").lower() != found[1]:
        raise NotFound("Order not found")
    return order


@bp.get("/api/orders/link/<token>")
@operation(spec, out=Order, errors=(404,))
def get_linked_order(token):
    """The order a signed order link names (the link is its own credential: no account needed)."""
    return jsonify(service.public_order(_linked(token)))


@bp.post("/api/orders/link/<token>/cancel")
@operation(spec, ok=202, out=Order, errors=(404, 409))
def cancel_linked_order(token):
    """Cancel the order a signed link names, while its owner could."""
    order = _linked(token)
    owner = Identity(user_id=order["user_id"], email=order.get("email"))
    cancelled = service.cancel_order(deps().repo, owner, order["_id"], deps().rules.promotions)
    return jsonify(service.public_order(cancelled)), 202


@bp.post("/api/orders/<order_id>/ship")
@require_admin
@operation(spec, out=Order, body=ShipBody, auth="admin", errors=(404, 409))
def ship_order(order_id):
    """Mark a confirmed order shipped (admin), with its parcel's carrier and tracking number."""
    body = parse_body(ShipBody) if request.get_data() else None
    parcel = carriers.shipment(body.carrier, body.tracking_number) if body else None
    order_id = _checked_id(order_id)
    audited = partial(admin_action, SOURCE, "order.ship", "order", order_id)
    return jsonify(service.public_order(service.fulfil(deps().repo, order_id, states.SHIPPED, parcel, audited)))


@bp.post("/api/orders/<order_id>/deliver")
@require_admin
@operation(spec, out=Order, auth="admin", errors=(404, 409))
def deliver_order(order_id):
    """Mark a shipped order delivered (admin)."""
    order_id = _checked_id(order_id)
    audited = partial(admin_action, SOURCE, "order.deliver", "order", order_id)
    return jsonify(service.public_order(service.fulfil(deps().repo, order_id, states.DELIVERED, None, audited)))
