"""The one place an order's money is computed: lines, country, delivery option, promo code and tax table in,
subtotal, discount, delivery, tax and total out, in minor units, with every line's share."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

BASIS = 10_000  # tax rates are basis points: 700 is 7 %, 2000 is 20 %


@dataclass(frozen=True)
class DeliveryOption:
    id: str
    name: str
    price: int
    free_over: int | None = None  # free when the goods after discount reach this amount (at it, too)
    countries: tuple[str, ...] = ()
    estimate: str = ""


@dataclass(frozen=True)
class TaxRate:
    country: str
    rate: int  # basis points
    inclusive: bool  # VAT style: prices already hold the tax; US style: tax is added on top


@dataclass(frozen=True)
class Promo:
    code: str
    kind: str  # "percent" (value 1..100) or "fixed" (value in minor units)
    value: int
    min_spend: int = 0


class PromoNotMet(ValueError):
    """The goods fall short of the code's minimum spend."""

    def __init__(self, min_spend: int):
        super().__init__(f"minimum spend {min_spend}")
        self.min_spend = min_spend


@dataclass(frozen=True)
class PricedLine:
    key: str  # the product id, or "delivery"
    amount: int  # before discount, as shown
    discount: int
    tax: int


@dataclass(frozen=True)
class Breakdown:
    subtotal: int
    discount: int
    delivery: int
    tax: int
    total: int
    tax_inclusive: bool
    tax_rate: int
    lines: tuple[PricedLine, ...] = field(default=())

    def as_dict(self) -> dict:
        """What the order stores and every page and event shows (the per-line shares stay with the order)."""
        return {
            "subtotal": self.subtotal,
            "discount": self.discount,
            "delivery": self.delivery,
            "tax": self.tax,
            "total": self.total,
            "tax_inclusive": self.tax_inclusive,
            "tax_rate": self.tax_rate,
            "tax_lines": [
                {"key": ln.key, "amount": ln.amount, "discount": ln.discount, "tax": ln.tax} for ln in self.lines
            ],
        }


def half_even(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def discount_of(subtotal: int, promo: Promo | None) -> int:
    if promo is None:
        return 0
    if subtotal < promo.min_spend:
        raise PromoNotMet(promo.min_spend)
    if promo.kind == "percent":
        return min(subtotal, half_even(Decimal(subtotal) * promo.value / 100))
    return min(subtotal, promo.value)


def spread(total: int, weights: list[int]) -> list[int]:
    """`total` shared out in proportion to `weights`, in whole minor units that add up to it exactly.

    Largest remainder: each share is floored, and the units left over go to the largest
    remainders (the first line on a tie).
    """
    whole = sum(weights)
    if whole == 0 or total == 0:
        return [0] * len(weights)
    floors = [total * w // whole for w in weights]
    left = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def tax_on(net: int, rate: TaxRate | None) -> int:
    """The tax in (inclusive) or on top of (exclusive) one line's net amount, half-even in minor units."""
    if rate is None or net == 0:
        return 0
    r = Decimal(rate.rate) / BASIS
    return half_even(Decimal(net) * r / (1 + r)) if rate.inclusive else half_even(Decimal(net) * r)


def delivery_price(option: DeliveryOption | None, goods: int) -> int:
    if option is None:
        return 0
    if option.free_over is not None and goods >= option.free_over:
        return 0
    return option.price


def price(
    lines: list[dict],
    country: str,
    option: DeliveryOption | None,
    promo: Promo | None,
    taxes: dict[str, TaxRate],
) -> Breakdown:
    """The breakdown of an order: tax per line (goods after their share of the discount, then delivery).

    The order's tax is the sum of its lines' taxes, so the lines sum exactly to the total.
    """
    amounts = [int(line["unit_price"]) * int(line["quantity"]) for line in lines]
    subtotal = sum(amounts)
    discount = discount_of(subtotal, promo)
    shares = spread(discount, amounts)
    delivery = delivery_price(option, subtotal - discount)
    rate = taxes.get(country.upper())
    priced = [
        PricedLine(line["product_id"], amount, share, tax_on(amount - share, rate))
        for line, amount, share in zip(lines, amounts, shares, strict=True)
    ]
    if option is not None:
        priced.append(PricedLine("delivery", delivery, 0, tax_on(delivery, rate)))
    tax = sum(p.tax for p in priced)
    inclusive = bool(rate and rate.inclusive)
    total = subtotal - discount + delivery + (0 if inclusive else tax)
    return Breakdown(
        subtotal=subtotal,
        discount=discount,
        delivery=delivery,
        tax=tax,
        total=total,
        tax_inclusive=inclusive,
        tax_rate=rate.rate if rate else 0,
        lines=tuple(priced),
    )
