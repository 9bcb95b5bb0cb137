"""Cart HTTP routes (carts live in Redis under orders:cart:<id>): guests by X-Cart-Id, users by token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from flask import Blueprint, jsonify, request
from pydantic import ConfigDict, Field

from common.api.openapi import operation, service_spec
from common.api.validation import StrictModel, parse_body
from common.auth.identity import current_identity, require_user
from common.errors import AppError, NotFound
from common.ids import ID_SCHEMA, MINTED_ID_SCHEMA, SKU, SKU_SCHEMA

from . import cart
from .cart_store import MAX_QUANTITY, is_guest_id, new_guest_id, user_cart_id
from .deps import deps
from .schemas import CART_HEADER, Cart, CartHeaders, CartSummary, MergedCart

bp = Blueprint("cart", __name__)
spec = service_spec("orders")


class AddItem(StrictModel):
    """A product's variant, named by its SKU or by its option values; a product without options needs neither."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"product_id": "ceramic-mug-set", "quantity": 1},
                {"product_id": "classic-linen-shirt", "sku": "FM-APP-001-M-SAND", "quantity": 1},
                {"product_id": "classic-linen-shirt", "options": {"Size": "M", "Colour": "Sand"}},
            ]
        }
    )
    product_id: str = Field(pattern=ID_SCHEMA)
    sku: str | None = Field(default=None, pattern=SKU_SCHEMA)
    options: dict[Annotated[str, Field(max_length=30)], Annotated[str, Field(max_length=30)]] | None = Field(
        default=None, max_length=3
    )
    quantity: int = Field(default=1, ge=1, le=MAX_QUANTITY)


class SetQuantity(StrictModel):
    quantity: int = Field(ge=0, le=MAX_QUANTITY)


@dataclass(frozen=True)
class CartRef:
    id: str | None
    minted: bool = False


def guest_cart_header() -> str | None:
    """The guest cart X-Cart-Id names, if sent; a header that is not a cart id (an empty one too) is a 400, signed in
    or not."""
    raw = request.headers.get(CART_HEADER)
    if raw is not None and not is_guest_id(raw):
        raise AppError("X-Cart-Id is not a cart id", code="INVALID_CART_ID")
    return raw


def _cart(mint: bool = False) -> CartRef:
    """A signed-in shopper's own cart; else the guest cart named by X-Cart-Id, minted on first write."""
    guest, identity = guest_cart_header(), current_identity()
    if identity is not None:
        return CartRef(user_cart_id(identity.user_id))
    if guest is None and mint:
        return CartRef(new_guest_id(), minted=True)
    return CartRef(guest)


def _line(sku: str) -> tuple[str, str]:
    """(cart id, SKU) of a line that can exist: no cart or a malformed SKU means no such line."""
    cart_id = _cart().id
    if cart_id is None or not SKU.fullmatch(sku):
        raise NotFound("That product is not in your cart", code="LINE_NOT_FOUND")
    return cart_id, sku


def _reply(body: dict, ref: CartRef | None = None):
    resp = jsonify(body)
    if ref is not None and ref.minted:  # the guest keeps this id (the storefront keeps it in the fm_cart cookie)
        resp.headers[CART_HEADER] = ref.id
    return resp


@bp.get("/api/cart")
@operation(spec, out=Cart, headers=CartHeaders, auth="optional", errors=(503,))
def get_cart():
    """The shopper's cart, priced now."""
    return _reply(cart.view(deps().cart_store, deps().catalog, _cart().id))


@bp.get("/api/cart/summary")
@operation(spec, out=CartSummary, headers=CartHeaders, auth="optional")
def get_summary():
    """Item count only (no pricing): for the header's mini-cart."""
    return _reply(cart.summary(deps().cart_store, _cart().id))


@bp.post("/api/cart/items")
@operation(
    spec,
    out=Cart,
    body=AddItem,
    headers=CartHeaders,
    auth="optional",
    errors=(404, 409, 503),
    ok_headers={CART_HEADER: {"type": "string", "pattern": MINTED_ID_SCHEMA}},
)
def add_item():
    """Add a variant of a product (quantities add up); a guest without X-Cart-Id gets a new cart id."""
    body = parse_body(AddItem)
    ref = _cart(mint=True)
    added = cart.add_item(
        deps().cart_store, deps().catalog, ref.id, body.product_id, body.quantity, body.sku, body.options
    )
    return _reply(added, ref)


@bp.patch("/api/cart/items/<sku>")
@operation(spec, out=Cart, body=SetQuantity, headers=CartHeaders, auth="optional", errors=(404, 409, 503))
def set_quantity(sku):
    """Set a line's quantity (0 removes it); a line is one variant, named by its SKU."""
    body = parse_body(SetQuantity)
    return _reply(cart.set_quantity(deps().cart_store, deps().catalog, *_line(sku), body.quantity))


@bp.delete("/api/cart/items/<sku>")
@operation(spec, out=Cart, headers=CartHeaders, auth="optional", errors=(404, 503))
def remove_item(sku):
    """Remove a line (one variant, by its SKU)."""
    return _reply(cart.remove_item(deps().cart_store, deps().catalog, *_line(sku)))


@bp.post("/api/cart/merge")
@require_user
@operation(spec, out=MergedCart, headers=CartHeaders, auth="user", errors=(503,))
def merge_cart():
    """Merge the guest cart named by X-Cart-Id into the signed-in shopper's cart (call after sign-in)."""
    return _reply(cart.merge(deps().cart_store, deps().catalog, guest_cart_header(), _cart().id))
