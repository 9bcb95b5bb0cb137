"""The "Promo code" field, as the cart and the checkout's review both offer it: what the shopper typed, checked for
its shape before the orders API is asked (which says whether the code applies, and why not)."""

from __future__ import annotations

import re

PROMO_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")
PROMO_EMPTY = "Enter a promo code."
PROMO_SHAPE = "Promo codes are letters, digits, dashes and underscores, e.g. WELCOME10."


def typed(form) -> tuple[str, str | None]:
    """(the code as typed, trimmed; why it cannot be a code, or None)."""
    code = form.get("promo_code", "").strip()[:40]
    if not code:
        return code, PROMO_EMPTY
    return code, None if PROMO_CODE.fullmatch(code) else PROMO_SHAPE
