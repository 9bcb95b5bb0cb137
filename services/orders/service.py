"""Order use cases: plain functions over the repository, the catalog and the cart."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from common.api.paging import PageQuery, page_of
from common.auth.identity import Identity
from common.errors import Conflict, NotFound
from common.messaging.events import Event
from common.messaging.messages import (
    OrderCancelled,
    OrderConfirmed,
    OrderDelivered,
    OrderPlaced,
    OrderShipped,
    PaymentFacts,
    PaymentRequest,
)

from . import pricing, promos, quote, states, totals
from .cart_store import user_cart_id
from .ports import Catalog, Orders, ShopperCart
from .repository import idempotency_id
from .rules import Rules

SOURCE = "orders"
PUBLIC_DROP = ("idem", "request_hash", "payment_token", "redrive_after", "redriven_at", "cart_id")


@dataclass(frozen=True)
class Buyer:
    """Who places an order: a signed-in shopper (their account, their cart) or a guest (the email they gave, the
    cart their browser names)."""

    user_id: str | None
    email: str | None
    name: str | None
    cart_id: str | None

    @classmethod
    def signed_in(cls, identity: Identity) -> Buyer:
        return cls(identity.user_id, identity.email, identity.name, user_cart_id(identity.user_id))

    @classmethod
    def guest(cls, email: str, name: str | None, cart_id: str | None) -> Buyer:
        return cls(None, email, name, cart_id)

    @property
    def keys(self) -> str:
        """Whose Idempotency-Keys these are: a guest's are theirs by email."""
        return self.user_id or f"guest:{self.email}"


def public_order(doc: dict) -> dict:
    out = {k: v for k, v in doc.items() if k not in PUBLIC_DROP}
    out["id"] = out.pop("_id")
    out["reason_text"] = states.reason_text(doc.get("reason"))
    out["settled"] = doc["status"] in states.SETTLED
    out["cancellable"] = doc["status"] in states.CANCELLABLE
    for key, value in list(out.items()):
        if isinstance(value, datetime):
            out[key] = value.isoformat()
    out["timeline"] = [
        {**t, "at": t["at"].isoformat() if isinstance(t["at"], datetime) else t["at"]} for t in doc.get("timeline", [])
    ]
    return out


def request_digest(body) -> str:
    return hashlib.sha256(json.dumps(body.model_dump(), sort_keys=True).encode()).hexdigest()


def _same_request(order: dict, digest: str) -> dict:
    if order["request_hash"] != digest:
        raise Conflict(
            "This Idempotency-Key was used for a different order",
            {"order_id": order["_id"]},
            code="IDEMPOTENCY_KEY_REUSED",
        )
    return order


def _shard(identity: Identity) -> str | None:
    """The shard key a customer's own read names; an admin reads any customer's order, so asks every shard."""
    return None if identity.is_admin else identity.user_id


def _owned(order: dict | None, identity: Identity) -> dict:
    if order is None or (order["user_id"] != identity.user_id and not identity.is_admin):
        raise NotFound("Order not found")  # another customer's order does not exist for you
    return order


def summary(order: dict) -> dict:
    """What every order event carries, so consumers need not call back."""
    return {
        "order_id": order["_id"],
        "user_id": order["user_id"],
        "email": order.get("email"),
        "name": order.get("name"),
        "phone": order.get("phone"),
        "total": order["total"],
        "currency": order["currency"],
        "breakdown": order.get("breakdown"),
        "shipment": order.get("shipment"),
        "lines": [
            {k: line[k] for k in ("product_id", "sku", "name", "quantity", "unit_price")} for line in order["lines"]
        ],
    }


def placed_event(order: dict, **extra) -> Event:
    """order.placed; the watchdog adds `redrive`."""
    payment = PaymentRequest(amount=order["total"], currency=order["currency"])
    return OrderPlaced(**summary(order), payment=payment, **extra).event(SOURCE)


def price_order(rules: Rules | None, lines: list[dict], body, currency: str) -> dict:
    """The order's breakdown under the shop's rules (none in a bare test: the lines alone)."""
    if rules is None:
        return {**totals.price(lines, body.address.country, None, None, {}).as_dict(), "currency": currency}
    return quote.breakdown(rules, lines, body.address.country, body.delivery_option, body.promo_code, currency)


def place_order(
    repo: Orders,
    catalog: Catalog,
    cart: ShopperCart,
    buyer: Buyer,
    key: str,
    body,
    rules: Rules | None = None,
) -> tuple[dict, bool]:
    """A PENDING order and its order.placed event; the same key returns the same order.

    A promo code's use is held for the order before it is written, and given back if the write finds the key's
    order already there.
    """
    idem, digest = idempotency_id(buyer.keys, key), request_digest(body)
    existing = repo.by_idempotency(idem, buyer.user_id)
    if existing is not None:
        return _same_request(existing, digest), False
    wanted = [line.model_dump() for line in body.lines] if body.lines else cart.lines(buyer.cart_id)
    if not wanted:
        raise Conflict("Your cart is empty", code="CART_EMPTY")
    lines = pricing.snapshot(catalog, wanted)
    currencies = {line["currency"] for line in lines}
    if len(currencies) != 1:
        raise Conflict("All products of an order must share one currency", code="MIXED_CURRENCIES")
    currency = currencies.pop()
    breakdown = price_order(rules, lines, body, currency)
    order_id = uuid.uuid4().hex
    code = breakdown.get("promo_code")
    if rules is not None and code:
        promos.hold(rules.promotions, code, order_id, buyer.email or buyer.keys)
    doc = {
        "_id": order_id,
        "idem": idem,
        "request_hash": digest,
        "user_id": buyer.user_id,  # None for a guest: their order is theirs by its signed link
        "email": buyer.email,
        "name": buyer.name,
        "phone": body.phone,
        "status": states.PENDING,
        "reason": None,
        "from_cart": not body.lines,  # its lines leave the cart once it is confirmed, not before
        "cart_id": None if body.lines else buyer.cart_id,
        "lines": lines,
        "subtotal": breakdown["subtotal"],
        "total": breakdown["total"],
        "breakdown": breakdown,  # as priced now: later edits to the rules never change a placed order
        "currency": currency,
        "address": body.address.model_dump(),
        "payment": None,
        "refund": None,
    }
    try:
        order, created = repo.insert(doc, placed_event(doc))
    except Exception:
        if rules is not None:
            promos.release(rules.promotions, doc)
        raise
    if not created:
        if rules is not None:
            promos.release(rules.promotions, doc)
        return _same_request(order, digest), False
    # The cart stays as it is until the order is confirmed (consumers.py takes the ordered lines out then), so a
    # rejected, declined or abandoned order leaves the shopper their cart.
    return order, True


def get_order(repo: Orders, identity: Identity, order_id: str) -> dict:
    return _owned(repo.get(order_id, _shard(identity)), identity)


def list_orders(repo: Orders, identity: Identity, query: PageQuery) -> dict:
    docs, total = repo.list_for_user(identity.user_id, query.skip, query.per_page)
    return page_of([public_order(d) for d in docs], total, query)


def cancelled_event(order: dict, reason: str) -> Event:
    paid = bool(order.get("payment") and order["payment"].get("status") == "succeeded")
    return OrderCancelled(
        **summary(order),
        reason=reason,
        reason_text=states.reason_text(reason),
        previous_status=order["status"],
        paid=paid,
    ).event(SOURCE)


def confirmed_event(order: dict, payment: dict) -> Event:
    return OrderConfirmed(**summary(order), payment=PaymentFacts(**payment)).event(SOURCE)


def advance(
    repo: Orders,
    order_id: str,
    dst: str,
    allowed_from: frozenset[str],
    reason: str | None = None,
    fields: dict | None = None,
    events_for=None,
    user_id: str | None = None,
) -> dict | None:
    """Move an order to `dst` if it is in one of `allowed_from`, else change nothing (a replay or a late event).

    The write is conditional on the state just read; if another writer got there first, read again. `user_id`
    (the shard key, carried by the saga's events) keeps the reads and the write on one shard.
    """
    for _ in range(10):
        order = repo.get(order_id, user_id)
        if order is None or order["status"] not in allowed_from:
            return None
        path = states.path_to(order["status"], dst)
        if path is None:
            return None
        states.check_path(order["status"], path)
        events = tuple(events_for(order)) if events_for else ()
        moved = repo.transition(order_id, order["status"], path, reason, fields, events, user_id=user_id)
        if moved is not None:
            return moved
    raise Conflict("The order is changing; try again", code="ORDER_BUSY")


def cancel_order(repo: Orders, identity: Identity, order_id: str, codes=None, audited=None) -> dict:
    """The owner's cancel, or the back office's in the shop's name (then `audited(before, after)` makes the
    admin's audit entry, written with the change)."""
    order = _owned(repo.get(order_id, _shard(identity)), identity)
    # The back office cancels a customer's order in the shop's name; the refund follows the same events.
    reason = "customer" if order["user_id"] == identity.user_id else "shop"
    entry = []
    if reason == "shop" and audited is not None:
        entry.append(audited({"status": order["status"]}, {"status": states.CANCELLED}))
    moved = advance(
        repo,
        order["_id"],
        states.CANCELLED,
        states.CANCELLABLE,
        reason=reason,
        events_for=lambda o: [cancelled_event(o, reason), *entry],
    )
    if moved is None:
        current = _owned(repo.get(order_id, _shard(identity)), identity)
        raise Conflict(
            f"An order that is {current['status'].lower().replace('_', ' ')} cannot be cancelled",
            {"status": current["status"]},
            code="ORDER_NOT_CANCELLABLE",
        )
    if codes is not None:
        promos.release_unpaid(codes, moved)
    return moved


def fulfil(repo: Orders, order_id: str, dst: str, shipment: dict | None = None, audited=None) -> dict:
    """Admin: CONFIRMED -> SHIPPED (with the parcel's carrier and tracking number, when given) -> DELIVERED;
    `audited(before, after)` makes the admin's audit entry."""
    src = {states.SHIPPED: states.CONFIRMED, states.DELIVERED: states.SHIPPED}[dst]
    if repo.get(order_id) is None:
        raise NotFound("Order not found")
    message = {states.SHIPPED: OrderShipped, states.DELIVERED: OrderDelivered}[dst]
    # The event and the audit entry ride in the same write as the state change (outbox): the customer hears of
    # it exactly once, and the trail holds it however the change was asked for.
    fields = {"shipment": shipment} if shipment else None
    parcel = {k: (shipment or {}).get(k) for k in ("carrier", "tracking_number") if (shipment or {}).get(k)}
    entry = [] if audited is None else [audited({"status": src}, {"status": dst, **parcel})]
    moved = advance(
        repo,
        order_id,
        dst,
        frozenset({src}),
        fields=fields,
        events_for=lambda o: [message(**summary({**o, **(fields or {})})).event(SOURCE), *entry],
    )
    if moved is None:
        raise Conflict(f"Only a {src.lower()} order can be marked {dst.lower()}", code="ILLEGAL_TRANSITION")
    return moved
