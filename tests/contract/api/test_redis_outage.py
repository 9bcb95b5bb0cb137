"""Redis down or hung: browsing goes on through the gateway, writes answer 503 JSON, never 500."""

from __future__ import annotations

import time
import uuid
from types import SimpleNamespace

import pytest

import gateway
import services.orders
import services.products
from tests.support.servers import serving

PAUSE_MS = 4000


@pytest.fixture()
def shop(own_redis, issuer):
    """Real products and orders services and a gateway, all on a Redis of this test's own."""
    server = own_redis.start()
    base = {"redis_url": server.url, "run_workers": False, "http_timeout": 2.0}
    products = services.products.create_app({**base, "service_urls": issuer.service_urls()})
    with serving(products) as products_url:
        orders = services.orders.create_app({**base, "service_urls": issuer.service_urls(products=products_url)})
        with serving(orders) as orders_url:
            urls = issuer.service_urls(products=products_url, orders=orders_url)
            app = gateway.create_app({**base, "service_urls": urls})
            yield SimpleNamespace(
                redis=server, gateway=app.test_client(), orders=orders.test_client(), products=products
            )


def timed(call):
    started = time.perf_counter()
    resp = call()
    return resp, time.perf_counter() - started


def test_the_catalog_answers_through_the_gateway_with_redis_down(shop, issuer):
    assert shop.gateway.get("/api/products").status_code == 200
    shop.redis.stop()
    for _ in range(3):
        r, elapsed = timed(lambda: shop.gateway.get("/api/products?per_page=5"))
        assert r.status_code == 200 and r.json["items"], r.json
        assert elapsed < 1.0
    product = r.json["items"][0]["id"]
    assert shop.gateway.get(f"/api/products/{product}").status_code == 200
    assert shop.gateway.get("/api/categories").status_code == 200
    # A signed-in shopper keeps browsing too: reads trust the signature of a short-lived token.
    assert shop.gateway.get("/api/products", headers=issuer.headers()).status_code == 200


def test_the_catalog_answers_quickly_with_redis_hung(shop):
    assert shop.gateway.get("/api/products").status_code == 200
    shop.redis.pause(PAUSE_MS)
    latencies = []
    for _ in range(5):
        r, elapsed = timed(lambda: shop.gateway.get("/api/products?per_page=5"))
        assert r.status_code == 200, r.json
        latencies.append(elapsed)
    # The first read pays the short Redis timeouts (limiter, product cache); the breaker spares the rest.
    assert max(latencies) < 2.5 and sorted(latencies)[2] < 0.5, latencies


def test_the_redis_breaker_shows_open_on_metrics_once_redis_is_down(shop):
    assert shop.gateway.get("/api/products").status_code == 200
    metrics = shop.products.test_client().get("/metrics").get_data(as_text=True)
    assert 'circuit_breaker_state{upstream="redis"}' in metrics
    shop.redis.stop()
    assert shop.gateway.get("/api/products?per_page=5").status_code == 200
    metrics = shop.products.test_client().get("/metrics").get_data(as_text=True)
    assert 'circuit_breaker_state{upstream="redis"} 2.0' in metrics
    assert 'circuit_breaker_opened_total{upstream="redis"}' in metrics


def test_writes_with_a_token_answer_503_auth_unavailable_while_redis_is_down(shop, issuer):
    shop.redis.stop()
    r = shop.gateway.post("/api/cart/items", json={"product_id": "x", "quantity": 1}, headers=issuer.headers())
    assert r.status_code == 503 and r.json["error"] == "AUTH_UNAVAILABLE"


def test_carts_answer_503_json_while_redis_is_down(shop):
    shop.redis.stop()
    guest = {"X-Cart-Id": uuid.uuid4().hex}
    for method, path in (("get", "/api/cart"), ("get", "/api/cart/summary"), ("delete", "/api/cart/items/abc")):
        r = getattr(shop.orders, method)(path, headers=guest)
        assert r.status_code == 503 and r.json["error"] == "CART_UNAVAILABLE", (path, r.json)


def test_the_gateway_counts_rate_limits_kept_in_memory(shop):
    shop.redis.stop()
    assert shop.gateway.get("/api/products").status_code == 200
    # A write is the first to learn of the outage: reads are counted in the gateway and never ask Redis.
    assert shop.gateway.post("/api/products", json={}).status_code == 401  # answered by products, not refused
    metrics = shop.gateway.get("/metrics").get_data(as_text=True)
    assert 'gateway_rate_limit_storage_events_total{event="fallback"} 1.0' in metrics


@pytest.mark.parametrize("outage", ["down", "hung"])
def test_the_write_limit_still_holds_in_memory_while_redis_fails(own_redis, issuer, outage):
    server = own_redis.start()
    app = gateway.create_app(
        {"redis_url": server.url, "service_urls": issuer.service_urls(), "rate_limit_writes": "3/minute"}
    )
    client = app.test_client()
    if outage == "down":
        server.stop()
    else:
        server.pause(PAUSE_MS)
    statuses = [client.post("/api/products", json={}).status_code for _ in range(5)]
    assert statuses[3:] == [429, 429] and 500 not in statuses, statuses


def test_the_read_limit_holds_whatever_redis_does(own_redis, issuer):
    server = own_redis.start()
    app = gateway.create_app(
        {"redis_url": server.url, "service_urls": issuer.service_urls(), "rate_limit_reads": "3/minute"}
    )
    client = app.test_client()
    server.stop()
    statuses = [client.get("/api/products").status_code for _ in range(5)]
    assert statuses[3:] == [429, 429] and 500 not in statuses, statuses
