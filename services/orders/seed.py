"""The local shop's checkout rules (DESIGN.md's examples): two delivery options, three tax rates, WELCOME10."""

from __future__ import annotations

from .rules import Rules

SERVED = ["US", "CA", "GB", "IE", "DE", "FR", "NL", "AT", "BE", "ES", "IT"]
OPTIONS = {
    "standard": {"name": "Standard", "price": 490, "free_over": 7500, "estimate": "3–5 working days"},
    "express": {"name": "Express", "price": 1200, "free_over": None, "estimate": "1–2 working days"},
}
TAXES = {"US": (700, False), "GB": (2000, True), "DE": (1900, True)}
WELCOME10 = {"kind": "percent", "value": 10, "min_spend": 3000, "usage_limit": None, "per_customer": True}


def seed_rules(rules: Rules) -> None:
    """Each collection seeded only while empty, so an admin's edits survive restarts."""
    if not rules.options.all():
        for option_id, fields in OPTIONS.items():
            rules.options.save(option_id, {**fields, "countries": SERVED})
    if not rules.taxes.all():
        for country, (rate, inclusive) in TAXES.items():
            rules.taxes.save(country, rate, inclusive)
    if rules.promotions.get("WELCOME10") is None and not rules.promotions.all():
        rules.promotions.create("WELCOME10", {**WELCOME10, "starts_at": None, "ends_at": None})
