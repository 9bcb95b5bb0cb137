"""Gateway rate limits: reads counted in the process and synced to Redis in the background, writes checked exactly."""
from __future__ import annotations

import uuid

import pytest
import redis

from common.redis_store import create_redis
from common.settings import SERVICE_PORTS
from gateway import create_app
from gateway.limits import Limit
from gateway.synced_windows import SyncedWindows
from services.products import create_app as create_products
from tests.servers import free_port, serving

NO_SYNC = 3600  # seconds: the background sync stays out of the way; tests call sync() themselves


@pytest.fixture(scope="module")
def products_url(redis_url):
    with serving(create_products({"redis_url": redis_url, "run_workers": False})) as url:
        yield url


def gateway(redis_url, products_url, **extra):
    urls = {**dict.fromkeys(SERVICE_PORTS, f"http://127.0.0.1:{free_port()}"), "products": products_url}
    app = create_app({"redis_url": redis_url, "service_urls": urls,
                      "rate_limit_sync_seconds": NO_SYNC, **extra})
    return app, app.test_client()


def a_client() -> dict:
    return {"X-Forwarded-For": f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"}


def test_a_read_is_limited_without_a_redis_round_trip(own_redis, products_url):
    server = own_redis.start()  # the gateway's own: the products service's cache is not counted
    app, gw = gateway(server.url, products_url)
    who = a_client()
    assert gw.get("/api/categories", headers=who).status_code == 200  # the first call opens the connections
    with redis.Redis.from_url(server.url) as r:
        before = r.info("stats")["total_commands_processed"]
        for _ in range(20):
            assert gw.get("/api/categories", headers=who).status_code == 200
        assert r.info("stats")["total_commands_processed"] - before == 1  # the INFO that measured it
    app.extensions["limiters"]["reads"].sync()
    with redis.Redis.from_url(server.url, decode_responses=True) as r:
        counted = sum(int(r.get(k)) for k in r.scan_iter(f"gateway:limits:r:*:{who['X-Forwarded-For']}:*"))
    assert counted == 21


def test_gateways_sharing_a_redis_see_each_others_reads_after_a_sync(redis_url, products_url):
    # Per day: no window edge (midnight UTC) falls inside the test, so nothing is weighted down.
    a, gw_a = gateway(redis_url, products_url, rate_limit_reads="5/day")
    b, gw_b = gateway(redis_url, products_url, rate_limit_reads="5/day")
    who = a_client()
    assert [gw_a.get("/api/categories", headers=who).status_code for _ in range(3)] == [200] * 3
    a.extensions["limiters"]["reads"].sync()
    assert gw_b.get("/api/categories", headers=who).status_code == 200
    b.extensions["limiters"]["reads"].sync()  # b learns a's three
    assert [gw_b.get("/api/categories", headers=who).status_code for _ in range(2)] == [200, 429]


def test_a_spent_limit_answers_429_with_retry_after_and_the_rate_limit_headers(redis_url, products_url):
    _, gw = gateway(redis_url, products_url, rate_limit_writes="1/minute")
    who = a_client()
    first = gw.post("/api/products", json={}, headers=who)
    assert first.status_code == 401
    assert first.headers["X-RateLimit-Limit"] == "1" and first.headers["X-RateLimit-Remaining"] == "0"
    refused = gw.post("/api/products", json={}, headers=who)
    assert refused.status_code == 429 and refused.json["error"] == "RATE_LIMITED"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_reads_counted_while_redis_is_down_reach_it_once_it_answers(own_redis):
    server = own_redis.start()
    events = []
    windows = SyncedWindows(create_redis(server.url), on_event=events.append, clock=lambda: 30.0)  # mid-window
    windows._ensure_syncing = lambda: None  # this test runs every sync itself
    limit = Limit.parse("100/minute")
    server.stop()
    assert [windows.hit("r", "10.1.2.3", limit)[0] for _ in range(3)] == [1, 2, 3]
    windows.sync()
    assert events == ["fallback"] and windows.hit("r", "10.1.2.3", limit)[0] == 4  # still counted here
    server.start()
    windows.sync()
    assert events == ["fallback", "recovered"]
    with redis.Redis.from_url(server.url, decode_responses=True) as r:
        assert sum(int(r.get(k)) for k in r.scan_iter("gateway:limits:r:60:10.1.2.3:0")) == 4
