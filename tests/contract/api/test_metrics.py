"""The domain metrics on /metrics after real actions: orders, consumers, breakers, rate limits and sign-in failures."""

from __future__ import annotations

import gc
import random
import uuid

import pytest
from prometheus_client.parser import text_string_to_metric_families

import gateway
import services.auth
import services.orders
from common.auth.identity import Identity
from common.messaging.events import make_event
from common.messaging.kafka import ConsumerRunner, Publisher
from common.observability.metrics import ConsumerMetrics
from common.platform import ServicePlatform, platform_of
from common.settings import SERVICE_PORTS
from services.orders import service
from services.orders.consumers import handlers
from services.orders.deps import deps as orders_deps
from services.orders.schemas import PlaceOrder
from tests.support.servers import free_port


def value(text: str, name: str, **labels) -> float:
    """One sample of the scraped text; 0 when absent (a labelled counter appears on its first count)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


def scrape(app) -> str:
    return app.test_client().get("/metrics").get_data(as_text=True)


def shopper() -> Identity:
    return Identity(uuid.uuid4().hex, email="shopper@example.test", name="Shopper")


class FixedCatalog:
    def products(self, ids):
        return {pid: {"id": pid, "sku": f"SKU-{pid}", "name": pid, "price": 1250, "currency": "USD"} for pid in ids}


class NoCart:
    def lines(self, cart_id):
        return []

    def take_ordered(self, order):
        pass


def ev(type_, **data):
    return make_event(type_, data, "test")


@pytest.fixture(scope="module")
def orders_app(service_config):
    return services.orders.create_app(service_config())


def place(app) -> str:
    body = PlaceOrder.model_validate(
        {
            "address": {"name": "N", "line1": "L", "city": "C", "postal_code": "P1", "country": "GB"},
            "lines": [{"product_id": "lamp", "quantity": 1}],
        }
    )
    order, _ = service.place_order(
        orders_deps(app).repo, FixedCatalog(), NoCart(), service.Buyer.signed_in(shopper()), uuid.uuid4().hex, body
    )
    return order["_id"]


def test_orders_placed_and_their_outcomes_are_counted_with_the_saga_latency(orders_app):
    on = handlers(orders_deps(orders_app).repo)
    before = scrape(orders_app)
    confirmed, rejected, cancelled = place(orders_app), place(orders_app), place(orders_app)
    on["stock.reserved"](ev("stock.reserved", order_id=confirmed))
    on["payment.succeeded"](ev("payment.succeeded", order_id=confirmed, charge_id="ch_1", brand="visa", last4="4242"))
    on["stock.rejected"](ev("stock.rejected", order_id=rejected, skus=["SKU-lamp"]))
    on["stock.reserved"](ev("stock.reserved", order_id=cancelled))
    on["payment.failed"](ev("payment.failed", order_id=cancelled, reason="declined"))  # one attempt: still awaiting
    on["stock.released"](ev("stock.released", order_id=cancelled, reason="reservation_expired"))
    after = scrape(orders_app)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("orders_placed_total") == 3
    assert grew("orders_outcome_total", outcome="confirmed", reason="none") == 1
    assert grew("orders_outcome_total", outcome="rejected", reason="out_of_stock") == 1
    assert grew("orders_outcome_total", outcome="cancelled", reason="reservation_expired") == 1
    assert grew("order_confirmation_seconds_count") == 1
    assert grew("order_confirmation_seconds_bucket", le="60.0") == 1
    assert grew("order_settle_seconds_count", outcome="rejected") == 1


def test_a_replayed_event_counts_no_second_outcome(orders_app):
    on = handlers(orders_deps(orders_app).repo)
    order = place(orders_app)
    on["stock.rejected"](ev("stock.rejected", order_id=order, skus=["SKU-lamp"]))
    before = value(scrape(orders_app), "orders_outcome_total", outcome="rejected", reason="out_of_stock")
    on["stock.rejected"](ev("stock.rejected", order_id=order, skus=["SKU-lamp"]))
    assert value(scrape(orders_app), "orders_outcome_total", outcome="rejected", reason="out_of_stock") == before


def test_a_consumer_counts_handled_retried_and_dead_lettered_events(orders_app, kafka_bootstrap):
    obs = platform_of(orders_app).observability
    group = f"metrics-{uuid.uuid4().hex[:8]}"
    calls = []

    def flaky(event):
        calls.append(event.event_id)
        fail = event.data.get("fail")
        if fail == "always" or (fail == "once" and calls.count(event.event_id) == 1):
            raise RuntimeError("boom")

    inbox = platform_of(orders_app, kind=ServicePlatform).mongo[f"inbox_{group}"]["inbox"]
    runner = ConsumerRunner(
        kafka_bootstrap,
        group,
        {"metrics.probe": flaky},
        inbox,
        Publisher(kafka_bootstrap),
        backoff=0,
        metrics=ConsumerMetrics(obs, group),
    )
    ok, once, never = ev("metrics.probe"), ev("metrics.probe", fail="once"), ev("metrics.probe", fail="always")
    for event in (ok, once, never, ok):
        runner.handle_record("metrics.probe", event.to_json())
    runner.handle_record("metrics.probe", b"not json")
    text = scrape(orders_app)
    labels = {"group": group, "topic": "metrics.probe"}
    assert value(text, "consumer_events_handled_total", **labels) == 2
    assert value(text, "consumer_events_retried_total", **labels) == 3  # once: 1 retry; always: 2 before the DLQ
    assert value(text, "consumer_events_dead_lettered_total", **labels) == 2  # always, and the undecodable record
    assert value(text, "consumer_events_duplicate_total", **labels) == 1


@pytest.fixture(scope="module")
def auth_app(redis_url, tmp_path_factory):
    return services.auth.create_app(
        {
            "redis_url": redis_url,
            "run_workers": False,
            "keys_dir": str(tmp_path_factory.mktemp("keys")),
            "auth_rate_limits": "login_pair_failures=2/60",
        }
    )


def test_a_wrong_password_and_a_locked_account_are_counted_as_login_failures(auth_app):
    client = auth_app.test_client()
    client.environ_base["HTTP_X_FORWARDED_FOR"] = f"10.9.{random.randrange(256)}.{random.randrange(1, 255)}"
    email = f"m-{uuid.uuid4().hex[:8]}@example.com"
    assert (
        client.post("/api/auth/register", json={"email": email, "password": "correct-horse-9", "name": "M"}).status_code
        == 201
    )
    before = scrape(auth_app)
    statuses = [
        client.post("/api/auth/login", json={"email": email, "password": "wrong-horse-99"}).status_code
        for _ in range(3)
    ]
    assert statuses == [401, 401, 429]
    after = scrape(auth_app)
    for name, labels, grown in (
        ("auth_login_failures_total", {"reason": "invalid_credentials"}, 2),
        ("auth_login_failures_total", {"reason": "rate_limited"}, 1),
        ("rate_limit_refusals_total", {"limiter": "auth", "route": "auth.login"}, 1),
    ):
        assert value(after, name, **labels) - value(before, name, **labels) == grown, name
    assert "wrong-horse" not in after and email not in after


def test_the_gateway_counts_rate_limit_refusals_and_shows_an_open_breaker(redis_url):
    gc.collect()  # /metrics reports every live breaker of the process: apps earlier tests dropped go first
    down = f"http://127.0.0.1:{free_port()}"
    app = gateway.create_app(
        {"redis_url": redis_url, "service_urls": dict.fromkeys(SERVICE_PORTS, down), "rate_limit_reads": "3/minute"}
    )
    client = app.test_client()
    who = {"X-Forwarded-For": f"10.8.{random.randrange(256)}.{random.randrange(1, 255)}"}
    statuses = [client.get("/api/products", headers=who).status_code for _ in range(4)]
    assert statuses[-1] == 429
    text = scrape(app)
    assert value(text, "rate_limit_refusals_total", limiter="gateway-read", route="proxy") == 1
    assert value(text, "circuit_breaker_state", upstream="products") == 0
    for i in range(6):  # refused connections: the products breaker opens after five in a row
        client.get("/api/products", headers={"X-Forwarded-For": f"10.7.{i}.{random.randrange(1, 255)}"})
    text = scrape(app)
    assert value(text, "circuit_breaker_state", upstream="products") == 2
    assert value(text, "circuit_breaker_opened_total", upstream="products") >= 1
