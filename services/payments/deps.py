"""What the payments service depends on: built once at start, read by its routes through deps()."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from common.deps import deps_of
from common.mongo import get_database

from .metrics import PaymentMetrics
from .processor import SimulatedProcessor
from .repository import ChargeRepository, MethodRepository
from .stripe_adapter import StripeProcessor
from .webhooks import CheckoutRepository


@dataclass(frozen=True)
class Deps:
    methods: MethodRepository
    charges: ChargeRepository
    processor: SimulatedProcessor  # the saga's charges, until checkout goes through the provider's page
    provider: StripeProcessor | None  # None when no key is configured: webhooks are then refused
    checkouts: CheckoutRepository
    metrics: PaymentMetrics


def build(app: Flask) -> Deps:
    db = get_database(app)
    methods, charges = MethodRepository(db["payment_methods"]), ChargeRepository(db["charges"])
    settings = app.extensions["settings"]
    key, secret = settings.secret("stripe_api_key"), settings.secret("stripe_webhook_secret")
    provider = StripeProcessor(key, secret, settings.payment_provider_url) if key and secret else None
    return Deps(
        methods=methods,
        charges=charges,
        processor=SimulatedProcessor(db["simulated_processor"]),
        provider=provider,
        checkouts=CheckoutRepository(db["checkouts"], db["provider_events"]),
        metrics=PaymentMetrics(app.extensions["observability"]),
    )


def deps(app: Flask | None = None) -> Deps:
    return deps_of(Deps, app)
