"""Checkout rules over HTTP: delivery options and tax rates (public to read), promo codes (admin), the cart's quote."""

from __future__ import annotations

import re
from functools import partial

from flask import Blueprint, jsonify

from common.api.openapi import operation
from common.api.validation import parse_body, parse_query
from common.auth.identity import require_admin
from common.errors import Conflict, NotFound
from common.mongo.audit import admin_action

from . import cart, promos, quote
from .cart_routes import _cart
from .deps import deps
from .routes import spec
from .rules_schemas import (
    CountryQuery,
    OptionBody,
    OptionList,
    OptionOut,
    PromoApply,
    PromoBody,
    PromoFields,
    PromoList,
    PromoOut,
    Quote,
    QuoteBody,
    TaxBody,
    TaxList,
    TaxOut,
)
from .schemas import OPTION_ID, PROMO_CODE, CartHeaders

bp = Blueprint("orders_rules", __name__)


def _entry(action: str, kind: str, subject_id: str):
    """The admin's audit entry for this change, `(before, after) -> admin.action`, written with it."""
    return partial(admin_action, "orders", action, kind, subject_id)


def _option_id(option_id: str) -> str:
    if not re.match(OPTION_ID, option_id):
        raise NotFound("No such delivery option")
    return option_id


def _country(country: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2}", country):
        raise NotFound("No tax rate for that country")
    return country.upper()


def _code(code: str) -> str:
    if not re.match(PROMO_CODE, code):
        raise NotFound("No such promo code")
    return promos.normalise(code)


@bp.get("/api/shipping")
@operation(spec, out=OptionList, query=CountryQuery)
def list_options():
    """Delivery options, or those serving `country`."""
    country = parse_query(CountryQuery).country
    rules = deps().rules.options
    return jsonify({"items": rules.serving(country) if country else rules.all()})


@bp.put("/api/shipping/<option_id>")
@require_admin
@operation(spec, out=OptionOut, body=OptionBody, auth="admin", errors=(404,))
def save_option(option_id):
    """Create or replace a delivery option (admin)."""
    body, option_id, rules = parse_body(OptionBody), _option_id(option_id), deps().rules
    saved = rules.change(
        partial(rules.options.get, option_id),
        partial(rules.options.save, option_id, body.model_dump()),
        _entry("shipping.save", "delivery_option", option_id),
    )
    return jsonify(saved)


@bp.delete("/api/shipping/<option_id>")
@require_admin
@operation(spec, ok=204, auth="admin", errors=(404,))
def delete_option(option_id):
    """Remove a delivery option (admin); placed orders keep what they were charged."""
    option_id, rules = _option_id(option_id), deps().rules
    deleted = rules.change(
        partial(rules.options.get, option_id),
        partial(rules.options.delete, option_id),
        _entry("shipping.delete", "delivery_option", option_id),
    )
    if not deleted:
        raise NotFound("No such delivery option")
    return "", 204


@bp.get("/api/tax")
@operation(spec, out=TaxList)
def list_taxes():
    """Tax rates by country (basis points; inclusive: prices hold the tax)."""
    return jsonify({"items": deps().rules.taxes.all()})


@bp.put("/api/tax/<country>")
@require_admin
@operation(spec, out=TaxOut, body=TaxBody, auth="admin", errors=(404,))
def save_tax(country):
    """Set a country's rate (admin)."""
    body, country, rules = parse_body(TaxBody), _country(country), deps().rules
    saved = rules.change(
        partial(rules.taxes.get, country),
        partial(rules.taxes.save, country, body.rate, body.inclusive),
        _entry("tax.save", "tax_rate", country),
    )
    return jsonify(saved)


@bp.delete("/api/tax/<country>")
@require_admin
@operation(spec, ok=204, auth="admin", errors=(404,))
def delete_tax(country):
    """Remove a country's rate (admin)."""
    country, rules = _country(country), deps().rules
    deleted = rules.change(
        partial(rules.taxes.get, country),
        partial(rules.taxes.delete, country),
        _entry("tax.delete", "tax_rate", country),
    )
    if not deleted:
        raise NotFound("No tax rate for that country")
    return "", 204


@bp.get("/api/promotions")
@require_admin
@operation(spec, out=PromoList, auth="admin")
def list_promotions():
    """Every promo code with its uses (admin)."""
    return jsonify({"items": deps().rules.promotions.all()})


@bp.post("/api/promotions")
@require_admin
@operation(spec, ok=201, out=PromoOut, body=PromoBody, auth="admin", errors=(409,))
def create_promotion():
    """Create a promo code (admin); codes are upper-case."""
    body = parse_body(PromoBody)
    code, rules = promos.normalise(body.code), deps().rules
    created = rules.change(
        lambda session: None,
        partial(rules.promotions.create, code, body.model_dump(exclude={"code"})),
        _entry("promotion.create", "promotion", code),
    )
    if created is None:
        raise Conflict("That promo code exists already", {"code": code}, code="PROMO_EXISTS")
    return jsonify(created), 201


@bp.put("/api/promotions/<code>")
@require_admin
@operation(spec, out=PromoOut, body=PromoFields, auth="admin", errors=(404,))
def update_promotion(code):
    """Change a promo code's terms (admin); its uses stay."""
    fields, code, rules = parse_body(PromoFields).model_dump(), _code(code), deps().rules
    updated = rules.change(
        partial(rules.promotions.get, code),
        partial(rules.promotions.update, code, fields),
        _entry("promotion.update", "promotion", code),
    )
    if updated is None:
        raise NotFound("No such promo code")
    return jsonify(updated)


@bp.delete("/api/promotions/<code>")
@require_admin
@operation(spec, ok=204, auth="admin", errors=(404,))
def delete_promotion(code):
    """Remove a promo code (admin)."""
    code, rules = _code(code), deps().rules
    deleted = rules.change(
        partial(rules.promotions.get, code),
        partial(rules.promotions.delete, code),
        _entry("promotion.delete", "promotion", code),
    )
    if not deleted:
        raise NotFound("No such promo code")
    return "", 204


def _quote(cart_id: str | None, body: QuoteBody) -> dict:
    seen = cart.view(deps().cart_store, deps().catalog, cart_id)
    lines = [
        {"product_id": i["product_id"], "unit_price": i["price"], "quantity": i["quantity"]} for i in seen["items"]
    ]
    rules = deps().rules
    priced = quote.breakdown(rules, lines, body.country, body.delivery_option, body.promo_code, seen["currency"])
    return {**priced, "options": rules.options.serving(body.country)}


@bp.post("/api/cart/quote")
@operation(spec, out=Quote, body=QuoteBody, headers=CartHeaders, auth="optional", errors=(404, 409, 503))
def quote_cart():
    """The cart's breakdown for an address's country, a delivery option and a promo code, with the options."""
    return jsonify(_quote(_cart().id, parse_body(QuoteBody)))


@bp.put("/api/cart/promo")
@operation(spec, out=Quote, body=PromoApply, headers=CartHeaders, auth="optional", errors=(404, 409, 503))
def apply_promo():
    """Apply a promo code to the cart (kept for the checkout) once it prices the cart; the quote with it."""
    body = parse_body(PromoApply)
    cart_id = _cart().id
    if cart_id is None:
        raise NotFound("Your cart is empty", code="CART_EMPTY")
    priced = _quote(cart_id, QuoteBody(country=body.country, promo_code=body.promo_code))
    deps().cart_store.set_promo(cart_id, priced["promo_code"])
    return jsonify(priced)


@bp.delete("/api/cart/promo")
@operation(spec, ok=204, headers=CartHeaders, auth="optional", errors=(503,))
def remove_promo():
    """Take the promo code off the cart."""
    cart_id = _cart().id
    if cart_id is not None:
        deps().cart_store.set_promo(cart_id, None)
    return "", 204
