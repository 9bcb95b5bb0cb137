"""admin.action through the real broker: a stock change made through the inventory API (no back office involved)
leaves its audit entry in inventory's outbox with the change, and the users service keeps it in the trail."""

from __future__ import annotations

import uuid

import pytest

import services.inventory
import services.users
from common.platform import ServicePlatform, platform_of
from common.service_app import running_workers
from services.inventory.deps import deps as inventory_deps
from services.users.deps import deps as users_deps
from tests.support.polling import wait_until


@pytest.fixture(scope="module")
def apps(redis_url, kafka_bootstrap, issuer):
    base = {"redis_url": redis_url, "kafka_bootstrap": kafka_bootstrap, "run_workers": True}
    inventory = services.inventory.create_app({**base, "service_urls": issuer.service_urls()})
    users = services.users.create_app(base)
    consumers = [w for w in running_workers(users) if hasattr(w, "ready")]
    assert all(w.ready.wait(60) for w in consumers), "a consumer never joined its group"
    yield inventory, users
    workers = [w for app in (inventory, users) for w in running_workers(app)]
    for worker in workers:
        worker.stop()
    for worker in workers:
        worker.join(10)
    for app in (inventory, users):
        platform_of(app, kind=ServicePlatform).publisher.close()


def test_a_stock_count_through_the_api_reaches_the_audit_trail(apps, issuer):
    inventory, users = apps
    sku, admin = f"A-{uuid.uuid4().hex[:12]}", uuid.uuid4().hex
    inventory_deps(inventory).stock.ensure(sku, "p-audit", 4)
    r = inventory.test_client().put(
        f"/api/inventory/{sku}", json={"quantity": 9}, headers=issuer.headers(admin, "admin")
    )
    assert r.status_code == 200
    trail = users_deps(users).audit.entries
    entry = wait_until(lambda: trail.find_one({"subject_id": sku}), timeout=60, message="the audit entry")
    assert (entry["action"], entry["actor_id"], entry["before"], entry["after"]) == (
        "stock.set",
        admin,
        {"available": 4},
        {"available": 9},
    )
