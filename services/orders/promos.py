"""Promo codes: which code applies now and why another does not, its use held by an order and given back."""

from __future__ import annotations

from datetime import UTC, datetime

from common.errors import Conflict, NotFound

from .rules import Promotions
from .totals import Promo


def normalise(code: str) -> str:
    return code.strip().upper()


def _aware(value) -> datetime | None:
    if value is None:
        return None
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def usable(codes: Promotions, code: str, at: datetime | None = None) -> Promo:
    """The code as the totals take it, or a refusal that names what is wrong with it (field `promo_code`)."""
    doc = codes.get(normalise(code))
    at = at or datetime.now(UTC)
    if doc is None:
        raise NotFound("This promo code does not exist", {"promo_code": "unknown"}, code="PROMO_UNKNOWN")
    starts, ends = _aware(doc.get("starts_at")), _aware(doc.get("ends_at"))
    if starts and at < starts:
        raise Conflict("This promo code is not valid yet", {"promo_code": "not_started"}, code="PROMO_NOT_STARTED")
    if ends and at >= ends:
        raise Conflict("This promo code has expired", {"promo_code": "expired"}, code="PROMO_EXPIRED")
    if doc.get("usage_limit") is not None and doc["used"] >= doc["usage_limit"]:
        raise Conflict("This promo code has been used up", {"promo_code": "used_up"}, code="PROMO_USED_UP")
    return Promotions.as_promo(doc)


def min_spend_refusal(min_spend: int, currency: str) -> Conflict:
    amount = f"{min_spend // 100}.{min_spend % 100:02d}"
    return Conflict(
        f"This promo code needs a spend of at least {amount} {currency}",
        {"promo_code": "min_spend", "min_spend": min_spend},
        code="PROMO_MIN_SPEND",
    )


def hold(codes: Promotions, code: str, order_id: str, customer: str) -> None:
    """One use of the code for this order, or a refusal: used up, or already used by this customer."""
    doc = codes.get(code)
    per_customer = bool(doc and doc.get("per_customer"))
    if codes.hold(code, order_id, customer.lower(), per_customer):
        return
    if per_customer and codes.held_by(code, customer.lower()):
        raise Conflict("You have already used this promo code", {"promo_code": "used"}, code="PROMO_ALREADY_USED")
    raise Conflict("This promo code has been used up", {"promo_code": "used_up"}, code="PROMO_USED_UP")


def release_unpaid(codes: Promotions | None, order: dict | None) -> None:
    """A rejected order, or one cancelled before it was paid, gives its code's use back; a paid one keeps it."""
    if codes is None or order is None or order["status"] not in ("REJECTED", "CANCELLED"):
        return
    if (order.get("payment") or {}).get("status") != "succeeded":
        release(codes, order)


def release(codes: Promotions, order: dict) -> None:
    """Give back the order's use of its code (rejected, or cancelled before payment); a replay gives back nothing."""
    code = (order.get("breakdown") or {}).get("promo_code")
    if code:
        codes.release(code, order["_id"])
