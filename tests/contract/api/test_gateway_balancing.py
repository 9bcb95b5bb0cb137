"""The gateway balances over several instances of a service and skips those whose breaker is open."""

from __future__ import annotations

import contextlib

import pytest

from common.breaker import OPEN
from common.http.balancer import BalancedClient, split_urls
from common.platform import platform_of
from common.settings import SERVICE_PORTS
from gateway import create_app
from gateway.deps import deps as gateway_deps
from services.products import create_app as create_products
from tests.support.servers import free_port, serving


def served(app) -> float:
    """Requests an instance answered on the products list."""
    registry = platform_of(app).observability.registry
    return sum(
        registry.get_sample_value("http_requests_total", {"method": "GET", "endpoint": e, "status": "200"}) or 0
        for e in ("/api/products",)
    )


@pytest.fixture(scope="module")
def instances(redis_url):
    apps = [create_products({"redis_url": redis_url, "run_workers": False}) for _ in range(2)]
    with contextlib.ExitStack() as stack:
        yield [(app, stack.enter_context(serving(app))) for app in apps]


def gateway(redis_url, products: str):
    dead = f"http://127.0.0.1:{free_port()}"
    urls = {**dict.fromkeys(SERVICE_PORTS, dead), "products": products}
    app = create_app({"redis_url": redis_url, "http_timeout": 1.0, "service_urls": urls})
    return app, app.test_client()


def test_several_urls_are_split_and_one_url_stays_a_plain_client():
    assert split_urls("http://a:1, http://b:1,") == ["http://a:1", "http://b:1"]


def test_reads_are_spread_over_every_instance(redis_url, instances):
    (a, url_a), (b, url_b) = instances
    app, gw = gateway(redis_url, f"{url_a},{url_b}")
    assert isinstance(gateway_deps(app).upstreams["products"], BalancedClient)
    before = served(a), served(b)
    assert all(gw.get("/api/products").status_code == 200 for _ in range(10))
    assert (served(a) - before[0], served(b) - before[1]) == (5, 5)


def test_a_dead_instance_costs_no_failed_read_and_is_skipped_once_its_breaker_opens(redis_url, instances):
    (live, url), _ = instances
    dead = f"http://127.0.0.1:{free_port()}"
    app, gw = gateway(redis_url, f"{dead},{url}")
    before = served(live)
    assert [gw.get("/api/products").status_code for _ in range(20)] == [200] * 20
    assert served(live) - before == 20
    down, up = gateway_deps(app).upstreams["products"].instances
    assert down.breaker.state == OPEN and up.breaker.state != OPEN
    metrics = gw.get("/metrics").get_data(as_text=True)
    assert 'circuit_breaker_state{upstream="products"} 2.0' in metrics  # the worst instance's state


def test_a_write_that_failed_on_one_instance_is_not_sent_to_another(redis_url, instances):
    _, (_, url) = instances
    dead = f"http://127.0.0.1:{free_port()}"
    _, gw = gateway(redis_url, f"{dead},{url}")
    # The first turn is the dead instance's: a POST there fails (502) rather than risk being applied twice.
    assert gw.post("/api/products", json={}).status_code == 502
