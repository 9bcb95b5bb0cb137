"""Gateway rate limits by flask-limiter: reads counted in the gateway process, writes exactly in Redis."""

from __future__ import annotations

import time
import uuid

import pytest
import redis

from common.settings import SERVICE_PORTS
from gateway import create_app
from services.products import create_app as create_products
from tests.support.servers import free_port, serving


@pytest.fixture(scope="module")
def products_url(redis_url):
    with serving(create_products({"redis_url": redis_url, "run_workers": False})) as url:
        yield url


def gateway(redis_url, products_url, **extra):
    urls = {**dict.fromkeys(SERVICE_PORTS, f"http://127.0.0.1:{free_port()}"), "products": products_url}
    app = create_app({"redis_url": redis_url, "service_urls": urls, **extra})
    return app, app.test_client()


def a_client() -> dict:
    return {"X-Forwarded-For": f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"}


def test_a_read_is_limited_without_a_redis_round_trip(own_redis, products_url):
    server = own_redis.start()  # the gateway's own: the products service's cache is not counted
    _, gw = gateway(server.url, products_url, rate_limit_reads="5/minute")
    who = a_client()
    with redis.Redis.from_url(server.url) as r:
        before = r.info("stats")["total_commands_processed"]
        statuses = [gw.get("/api/categories", headers=who).status_code for _ in range(6)]
        assert r.info("stats")["total_commands_processed"] - before == 1  # the INFO that measured it
    assert statuses == [200] * 5 + [429]


def test_a_read_answers_with_the_rate_limit_headers(redis_url, products_url):
    _, gw = gateway(redis_url, products_url, rate_limit_reads="5/minute")
    who = a_client()
    r = gw.get("/api/categories", headers=who)
    assert r.headers["X-RateLimit-Limit"] == "5" and r.headers["X-RateLimit-Remaining"] == "4"
    assert time.time() < int(r.headers["X-RateLimit-Reset"]) <= time.time() + 61
    assert "Retry-After" not in r.headers


def test_reads_and_writes_are_counted_apart(redis_url, products_url):
    _, gw = gateway(redis_url, products_url, rate_limit_reads="1/minute", rate_limit_writes="1/minute")
    who = a_client()
    assert gw.get("/api/categories", headers=who).status_code == 200
    assert gw.post("/api/products", json={}, headers=who).status_code == 401  # the write limit's own first
    assert gw.get("/api/categories", headers=who).status_code == 429


def test_a_spent_write_limit_answers_429_with_retry_after_and_the_rate_limit_headers(redis_url, products_url):
    _, gw = gateway(redis_url, products_url, rate_limit_writes="1/minute")
    who = a_client()
    first = gw.post("/api/products", json={}, headers=who)
    assert first.status_code == 401
    assert first.headers["X-RateLimit-Limit"] == "1" and first.headers["X-RateLimit-Remaining"] == "0"
    refused = gw.post("/api/products", json={}, headers=who)
    assert refused.status_code == 429 and refused.json["error"] == "RATE_LIMITED"
    assert refused.json["details"]["limit"] == "1 per 1 minute"
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_gateways_sharing_a_redis_share_each_clients_write_limit(redis_url, products_url):
    _, gw_a = gateway(redis_url, products_url, rate_limit_writes="2/minute")
    _, gw_b = gateway(redis_url, products_url, rate_limit_writes="2/minute")
    who = a_client()
    assert gw_a.post("/api/products", json={}, headers=who).status_code == 401
    assert gw_b.post("/api/products", json={}, headers=who).status_code == 401
    assert gw_a.post("/api/products", json={}, headers=who).status_code == 429
    assert gw_b.post("/api/products", json={}, headers=who).status_code == 429


def test_an_untrusted_callers_forwarded_for_is_not_believed(redis_url, products_url):
    _, gw = gateway(redis_url, products_url, rate_limit_reads="1/minute")
    stranger = {"REMOTE_ADDR": f"192.0.2.{uuid.uuid4().int % 250}"}
    assert gw.get("/api/categories", headers=a_client(), environ_base=stranger).status_code == 200
    # Another X-Forwarded-For from the same address is still the same client.
    assert gw.get("/api/categories", headers=a_client(), environ_base=stranger).status_code == 429
