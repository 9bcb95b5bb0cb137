"""What the payments service depends on: built once at start, read by its routes through deps()."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from common.deps import deps_of
from common.mongo.database import get_database
from common.platform import platform_of

from .metrics import PaymentMetrics
from .openings import Openings
from .repository import ChargeRepository
from .service import Shop
from .stripe_adapter import StripeProcessor
from .webhooks import DeliveryRepository


@dataclass(frozen=True)
class Deps:
    charges: ChargeRepository
    provider: StripeProcessor | None  # None when no key is configured: checkouts answer 503, webhooks 404
    deliveries: DeliveryRepository
    shop: Shop
    metrics: PaymentMetrics
    openings: Openings


def build(app: Flask) -> Deps:
    db = get_database(app)
    platform = platform_of(app)
    settings = platform.settings
    key, secret = settings.secret("stripe_api_key"), settings.secret("stripe_webhook_secret")
    provider = StripeProcessor(key, secret, settings.payment_provider_url) if key and secret else None
    return Deps(
        charges=ChargeRepository(db["charges"]),
        provider=provider,
        deliveries=DeliveryRepository(db["provider_events"]),
        shop=Shop(settings.shop_url.rstrip("/"), "Fragmart"),
        metrics=PaymentMetrics(platform.observability),
        openings=Openings(),
    )


def deps(app: Flask | None = None) -> Deps:
    return deps_of(Deps, app)
