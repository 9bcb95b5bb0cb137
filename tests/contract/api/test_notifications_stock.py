"""Low-stock alerts: the staff get one email per SKU per day over real SMTP, linking to the SKU's stock row."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest

import services.notifications
from common.messaging.events import make_event
from devstack.smtp_sink import read_messages
from services.notifications.consumers import all_handlers
from services.notifications.deps import deps as notifications_deps


@pytest.fixture(scope="module")
def app(service_config, smtp_sink):
    return services.notifications.create_app(service_config(smtp_url=smtp_sink.url, shop_url="https://shop.example"))


@pytest.fixture(scope="module")
def staff_app(service_config, smtp_sink):
    config = service_config(smtp_url=smtp_sink.url, shop_url="https://shop.example", staff_alert_email="ops@x.test")
    return services.notifications.create_app(config)


def handlers_of(app) -> dict:
    return all_handlers(notifications_deps(app).notifier)


def admin_registers(on) -> str:
    user = uuid.uuid4().hex
    email = f"{user}@admins.test"
    on["user.registered"](make_event("user.registered", {"user_id": user, "email": email, "role": "admin"}, "t"))
    return email


def low(sku: str, available: int = 2):
    return make_event("stock.low", {"sku": sku, "product_id": "p1", "available": available, "level": 5}, "inventory")


def mails_about(sink, to: str, sku: str) -> list[dict]:
    return [m for m in read_messages(sink.dir, to=to) if sku in m["subject"]]


def test_every_admin_hears_once_per_sku_per_day_with_a_link_to_its_stock(app, smtp_sink):
    on = handlers_of(app)
    first, second = admin_registers(on), admin_registers(on)
    sku, other = f"FM-{uuid.uuid4().hex[:8]}", f"FM-{uuid.uuid4().hex[:8]}"
    event = low(sku)
    on["stock.low"](event)
    on["stock.low"](event)  # redelivered
    on["stock.low"](low(sku, 1))  # restocked and low again the same day: a new event, still today's alert
    for email in (first, second):
        [mail] = mails_about(smtp_sink, email, sku)
        assert mail["subject"] == f"Fragmart: {sku} is low on stock (2 left)"
        assert f"https://shop.example/admin/inventory?sku={sku}" in mail["body"]
    on["stock.low"](low(other))
    assert len(mails_about(smtp_sink, first, other)) == 1
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    on["stock.low"](dataclasses.replace(low(sku, 1), occurred_at=tomorrow))
    assert [m["subject"].endswith("(1 left)") for m in mails_about(smtp_sink, first, sku)] == [False, True]


def test_staff_alert_email_replaces_the_admins(staff_app, smtp_sink):
    on = handlers_of(staff_app)
    admin = admin_registers(on)
    sku = f"FM-{uuid.uuid4().hex[:8]}"
    on["stock.low"](low(sku))
    assert len(mails_about(smtp_sink, "ops@x.test", sku)) == 1
    assert mails_about(smtp_sink, admin, sku) == []


def test_a_malformed_stock_low_event_fails_its_handler_for_the_dead_letters(app):
    on = handlers_of(app)
    with pytest.raises(ValueError):
        on["stock.low"](make_event("stock.low", {"sku": {"$ne": ""}, "available": "x", "level": 5}, "t"))
