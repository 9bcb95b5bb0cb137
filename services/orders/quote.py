"""An order's price breakdown from the shop's current rules: the rules looked up, the totals computed."""

from __future__ import annotations

from common.errors import Conflict

from . import promos, totals
from .rules import DeliveryOptions, Rules


def delivery_option(rules: Rules, option_id: str | None, country: str) -> totals.DeliveryOption | None:
    """The chosen option, refused unless it serves the country; None only when the shop has no options at all."""
    if option_id is None:
        serving = rules.options.serving(country)
        if not serving and rules.options.all():
            raise Conflict(
                "We do not deliver to this country yet", {"delivery_option": "unserved"}, code="DELIVERY_UNSERVED"
            )
        return DeliveryOptions.as_option(serving[0]) if serving else None
    doc = rules.options.get(option_id)
    if doc is None or country not in doc["countries"]:
        raise Conflict(
            "This delivery option does not serve the address's country",
            {"delivery_option": "unserved"},
            code="DELIVERY_UNSERVED",
        )
    return DeliveryOptions.as_option(doc)


def breakdown(
    rules: Rules, lines: list[dict], country: str, option_id: str | None, code: str | None, currency: str
) -> dict:
    """Subtotal, discount, delivery, tax and total, with what they were computed from (stored with the order)."""
    country = country.upper()
    option = delivery_option(rules, option_id, country)
    promo = promos.usable(rules.promotions, code) if code else None
    try:
        priced = totals.price(lines, country, option, promo, rules.taxes.table(country))
    except totals.PromoNotMet as short:
        raise promos.min_spend_refusal(short.min_spend, currency) from None
    return {
        **priced.as_dict(),
        "currency": currency,
        "country": country,
        "promo_code": promo.code if promo else None,
        "delivery_option": {"id": option.id, "name": option.name, "estimate": option.estimate} if option else None,
    }
