"""What the style guide's samples borrow from the views, by the name a YAML tag gives it (shell/styleguide_samples.py).

`!view name` is a value or function a view passes as it is; `!call [name, args...]` calls a view's own function, so a
sample cannot drift from what the pages show (a stock line follows LOW_STOCK_LEVEL as the product page does).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from common.api.address import COUNTRY_CHOICES
from common.carriers import shipment
from fragments.admin import dead_letters, imports, orders, promotions, shipping, tax, users, webhooks
from fragments.admin.forms import COMMA_MESSAGE, price_text
from fragments.products.client import stock_state
from fragments.products.routes import band_label
from fragments.profile import orders as profile_orders
from fragments.profile.two_factor import REQUIRED, qr_svg

VIEWS: dict[str, Any] = {
    "when": profile_orders.when,
    "admin_when": orders.when,
    "order_statuses": orders.STATUSES,
    "order_done": orders.SAVED,
    "ship_messages": orders.SHIP_MESSAGES,
    "carrier_choices": orders.CARRIER_CHOICES,
    "letter_statuses": dead_letters.STATUSES,
    "letter_done": dead_letters.DONE,
    "role_done": users.DONE,
    "import_counts": imports.COUNTS,
    "event_types": webhooks.EVENT_TYPES,
    "event_type_names": dict(webhooks.EVENT_TYPES),
    "webhook_done": webhooks.DONE,
    "webhook_messages": webhooks.MESSAGES,
    "countries": COUNTRY_CHOICES,
    "money": price_text,
    "comma_message": COMMA_MESSAGE,
    "percent": tax.percent,
    "tax_done": tax.DONE,
    "tax_messages": tax.MESSAGES,
    "shipping_done": shipping.DONE,
    "shipping_messages": shipping.MESSAGES,
    "promotion_kinds": promotions.KINDS,
    "promotion_done": promotions.DONE,
    "promotion_messages": promotions.MESSAGES,
    "two_factor_required": REQUIRED,
}


def price_band(value: str, min: int, max: int | None, count: int) -> dict:
    """A price band of the search's filters with the label the products view gives it."""
    band = {"value": value, "min": min, "max": max, "count": count}
    return {**band, "label": band_label(band)}


CALLS: dict[str, Callable[..., Any]] = {
    "stock": stock_state,
    "price_band": price_band,
    "qr": qr_svg,
    "shipment": shipment,
    "shipping_form": shipping._blank,
    "promotion_form": promotions._as_form,
}
