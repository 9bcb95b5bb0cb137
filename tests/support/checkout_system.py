"""The checkout saga's four services created in this process, wired to a real broker, with helpers to drive it.

The services run here (not as subprocesses), on the session's database server, so a test can crash and restart
one consumer and read every service's database directly afterwards.
"""

from __future__ import annotations

import os
import uuid
from contextlib import ExitStack, contextmanager

import services.inventory
import services.orders
import services.payments
import services.products
from common.messaging.events import OUTBOX_FIELD
from common.messaging.kafka import ConsumerRunner
from common.mongo.database import get_database
from common.platform import ServicePlatform, platform_of
from common.service_app import running_workers
from services.inventory.deps import deps as inventory_deps
from services.inventory.reconcile import Reconciler
from services.orders.deps import deps as orders_deps
from services.payments.deps import deps as payments_deps
from tests.support.broker import private_broker, wait_consumed
from tests.support.payflow import Standin, pay, pay_standin
from tests.support.polling import wait_until
from tests.support.servers import serving
from tests.support.tokens import token_issuer

SAGA_TOPICS = (
    "order.placed",
    "stock.reserved",
    "stock.rejected",
    "stock.released",
    "payment.succeeded",
    "payment.failed",
    "payment.refunded",
    "payment.captured",
    "payment.voided",
    "order.confirmed",
    "order.cancelled",
    "order.shipped",
)
ADDRESS = {
    "name": "Grace Hopper",
    "line1": "1 Harbour St",
    "city": "Arlington",
    "postal_code": "22201",
    "country": "US",
}
TERMINAL = {"CONFIRMED", "REJECTED", "CANCELLED"}


@contextmanager
def running_system(redis_url: str, tmp_path_factory, **options):
    """A CheckoutSystem on a private broker, with its own token issuer, ready to take orders."""
    with (
        token_issuer() as issuer,
        private_broker(tmp_path_factory.mktemp("kafka")) as bootstrap,
        pay_standin() as provider,
    ):
        system = CheckoutSystem(bootstrap, redis_url, issuer, provider, **options)
        try:
            yield system.wait_ready()
        finally:
            system.stop()


class CheckoutSystem:
    def __init__(self, bootstrap: str, redis_url: str, issuer, provider: Standin, ttl: int = 900):
        self.bootstrap, self.issuer, self.provider, self._exit = bootstrap, issuer, provider, ExitStack()
        # Databases of its own: two systems of one module (each on its private broker) would otherwise share them,
        # and one's orders watchdog would re-drive the other's orders through its own payments consumer.
        prefix = f"{os.environ.get('MONGO_DB_PREFIX', '')}sys{uuid.uuid4().hex[:8]}_"
        base = {
            "redis_url": redis_url,
            "kafka_bootstrap": bootstrap,
            "reservation_ttl_seconds": ttl,
            "mongo_db_prefix": prefix,
        }
        self.products = services.products.create_app({**base, "service_urls": issuer.service_urls()})
        products_url = self._exit.enter_context(serving(self.products))
        # Its own products service: the reconciler reads the catalog, and one found on the default port (another
        # test's) would have it create stock for products this system has never heard of.
        self.inventory = services.inventory.create_app(
            {**base, "service_urls": issuer.service_urls(products=products_url)}
        )
        inventory_url = self._exit.enter_context(serving(self.inventory))
        urls = issuer.service_urls(products=products_url, inventory=inventory_url)
        self.orders = services.orders.create_app({**base, "service_urls": urls})
        self.payments = services.payments.create_app({**base, "service_urls": urls, **provider.settings()})
        provider.hook(f"{self._exit.enter_context(serving(self.payments))}/api/payments/webhooks/stripe")
        self.apps = {
            "products": self.products,
            "inventory": self.inventory,
            "orders": self.orders,
            "payments": self.payments,
        }

    # -- lifecycle ---------------------------------------------------------------------------------------
    def runners(self) -> list[ConsumerRunner]:
        return [w for app in self.apps.values() for w in running_workers(app) if isinstance(w, ConsumerRunner)]

    def wait_ready(self, timeout: float = 90.0) -> CheckoutSystem:
        """Every consumer has joined its group and the catalog's stock exists."""
        for runner in self.runners():
            assert runner.ready.wait(timeout), f"{runner.group} consumer never joined its group"
        # Every product of the catalog has its stock: the reconciler is done and will write nothing more.
        reconciler = next(w for w in running_workers(self.inventory) if isinstance(w, Reconciler))
        wait_until(lambda: reconciler.result is not None, timeout, message="the stock reconciled with the catalog")
        return self

    def stop(self) -> None:
        for app in self.apps.values():
            for worker in running_workers(app):
                worker.stop()
        for app in self.apps.values():
            for worker in running_workers(app):
                worker.join(10)
            platform_of(app, kind=ServicePlatform).publisher.close()
        self._exit.close()

    def crash_and_restart(self, app_name: str, crash_when) -> tuple[ConsumerRunner, ConsumerRunner, list]:
        """Swap an app's consumer for one whose thread dies (no inbox record, no offset commit) right after the
        effect of the first event `crash_when(topic, event)` picks. Returns (the dying runner, its replacement
        of the same group, not started yet, as a restarted process would be; the events it died on)."""
        app = self.apps[app_name]
        old = next(w for w in running_workers(app) if isinstance(w, ConsumerRunner))
        crashed: list = []

        class Crash(BaseException):
            """Not an Exception: the runner's retry loop cannot catch it, so its thread dies mid-message."""

        def dying(topic, handler):
            def run(event):
                handler(event)  # the effect happens ...
                if not crashed and crash_when(topic, event):
                    crashed.append(event)
                    raise Crash()  # ... and the process dies before recording it or committing the offset

            return run

        old.stop()
        old.join(15)
        doomed = ConsumerRunner(
            old.bootstrap, old.group, {t: dying(t, h) for t, h in old.handlers.items()}, old.inbox, old.publisher
        )
        doomed.start()
        restarted = ConsumerRunner(old.bootstrap, old.group, old.handlers, old.inbox, old.publisher)
        running_workers(app)[:] = [w for w in running_workers(app) if w is not old] + [restarted]
        return doomed, restarted, crashed

    # -- driving the shop ----------------------------------------------------------------------------------
    def place(
        self, user: str, lines: list[tuple[str, int]], card: str | None = "approve", key: str | None = None
    ) -> str:
        """Place an order and, with a `card`, pay for it on the provider's page once its stock is reserved."""
        body = {"address": ADDRESS, "lines": [{"product_id": p, "quantity": q} for p, q in lines]}
        headers = self.issuer.headers(user, **{"Idempotency-Key": key or uuid.uuid4().hex})
        r = self.orders.test_client().post("/api/orders", json=body, headers=headers)
        assert r.status_code == 202, r.json
        order_id = (r.json or {})["id"]
        if card:
            self.pay(user, order_id, card)
        return order_id

    def payment_page(self, user: str, order_id: str, timeout: float = 30.0) -> str | None:
        """The provider's page for the order once its stock is reserved; None if the order ended unpaid first."""

        def ready():
            r = self.payments.test_client().post(
                "/api/payments/checkouts", json={"order_id": order_id}, headers=self.issuer.headers(user)
            )
            if r.status_code == 201:
                return (r.json or {})["url"]
            order = self.order(order_id)
            return "" if order and order["status"] in TERMINAL else None

        return (
            wait_until(lambda: (page := ready()) is not None and [page], timeout, message="a payment page")[0] or None
        )

    def pay(self, user: str, order_id: str, card: str = "approve", timeout: float = 30.0):
        """Type `card` on the order's payment page (see tests/support/payflow.py); None if there was nothing to pay."""
        page = self.payment_page(user, order_id, timeout)
        return pay(page, card) if page else None

    def order(self, order_id: str) -> dict | None:
        return orders_deps(self.orders).repo.get(order_id)

    def wait_settled(self, order_id: str, timeout: float = 30.0) -> dict:
        return wait_until(
            lambda: (o := self.order(order_id)) and o["status"] in TERMINAL and o,
            timeout,
            message=f"order {order_id} to settle",
        )

    def stock(self, sku: str) -> dict | None:
        return inventory_deps(self.inventory).stock.get(sku)

    def set_stock(self, sku: str, units: int) -> None:
        inventory_deps(self.inventory).stock.set_available(sku, units)

    def charge(self, order_id: str) -> dict | None:
        return payments_deps(self.payments).charges.get(order_id)

    def reservation(self, order_id: str) -> dict | None:
        return inventory_deps(self.inventory).reservations.get(order_id)

    def wait_outboxes_empty(self, timeout: float = 30.0) -> None:
        def empty():
            return all(
                get_database(app)[coll].count_documents({f"{OUTBOX_FIELD}.0": {"$exists": True}}) == 0
                for app in self.apps.values()
                for coll in get_database(app).list_collection_names()
            )

        wait_until(empty, timeout, message="every outbox to be relayed")

    def snapshot(self) -> dict:
        """Every document of every saga database but the inboxes (a replay under new event ids adds to those, and the
        provider's own deliveries arrive on its clock)."""
        return {
            name: {
                coll: sorted((d for d in get_database(app)[coll].find({})), key=lambda d: str(d["_id"]))
                for coll in get_database(app).list_collection_names()
                if coll not in ("inbox", "provider_events")
            }
            for name, app in self.apps.items()
            if name != "products"
        }

    @staticmethod
    def changed(before: dict, after: dict) -> list[str]:
        """The documents that differ between two snapshots, field by field, as readable lines."""
        lines = []
        for name in sorted(before.keys() | after.keys()):
            for coll in sorted(before.get(name, {}).keys() | after.get(name, {}).keys()):
                was = {str(d["_id"]): d for d in before.get(name, {}).get(coll, [])}
                now = {str(d["_id"]): d for d in after.get(name, {}).get(coll, [])}
                for key in sorted(was.keys() | now.keys()):
                    a, b = was.get(key, {}), now.get(key, {})
                    for field in sorted(a.keys() | b.keys()):
                        if a.get(field) != b.get(field):
                            lines.append(f"{name}.{coll}[{key}].{field}: {a.get(field)!r} -> {b.get(field)!r}")
        return lines

    def wait_consumed(self, groups=("orders", "payments", "inventory"), timeout: float = 60.0) -> None:
        wait_consumed(self.bootstrap, [r for r in self.runners() if r.group in groups], timeout)
