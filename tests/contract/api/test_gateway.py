"""The gateway in front of a real products service and of dead or slow upstreams."""

from __future__ import annotations

import time
import uuid

import pytest
import requests
from flask import Flask

from common.settings import SERVICE_PORTS
from gateway import create_app
from services.products import create_app as create_products
from tests.support.servers import free_port, serving


@pytest.fixture(scope="module")
def products_url(redis_url):
    with serving(create_products({"redis_url": redis_url, "run_workers": False})) as url:
        yield url


@pytest.fixture(scope="module")
def slow_url():
    app = Flask(__name__)

    @app.get("/api/orders")
    def slow():
        time.sleep(1.0)
        return {}

    with serving(app) as url:
        yield url


def make_gateway(redis_url, products_url, slow_url, **extra):
    dead = f"http://127.0.0.1:{free_port()}"
    urls = dict.fromkeys(SERVICE_PORTS, dead)
    urls.update(products=products_url, orders=slow_url)
    return create_app({"redis_url": redis_url, "http_timeout": 0.3, "service_urls": urls, **extra}).test_client()


@pytest.fixture()
def gw(redis_url, products_url, slow_url):
    return make_gateway(redis_url, products_url, slow_url)


def test_the_catalog_is_routed_to_the_products_service_with_the_request_id(gw):
    rid = uuid.uuid4().hex
    r = gw.get("/api/products?per_page=2", headers={"X-Request-ID": rid})
    assert r.status_code == 200
    assert len(r.json["items"]) == 2 and r.json["total"] >= 20
    assert r.headers["X-Request-ID"] == rid


def test_categories_are_served_by_the_products_service(gw):
    assert "kitchen" in gw.get("/api/categories").json["items"]


def test_you_may_also_like_is_served_by_the_products_service(gw):
    r = gw.get("/api/products/ceramic-mug-set/related")
    assert r.status_code == 200 and len(r.json["items"]) == 4
    assert {p["category"] for p in r.json["items"]} == {"kitchen"}
    assert gw.get("/api/products/$ne/related").status_code == 404


@pytest.mark.parametrize("path", ["/api/products", "/api/categories", "/api/products/ceramic-mug-set/related"])
@pytest.mark.parametrize("method", ["OPTIONS", "DELETE", "PATCH"])
def test_the_methods_a_path_allows_are_the_services_own_through_the_gateway(gw, products_url, path, method):
    direct = requests.request(method, f"{products_url}{path}", timeout=5)
    through = gw.open(path, method=method)
    assert through.status_code == direct.status_code
    allowed = {m.strip() for m in direct.headers["Allow"].split(",")}
    assert {m.strip() for m in through.headers["Allow"].split(",")} == allowed and "DELETE" not in allowed


def test_an_unknown_api_is_a_json_404(gw):
    r = gw.get("/api/nothing-here")
    assert r.status_code == 404 and r.json["error"] == "NOT_FOUND"


def test_a_dead_upstream_is_a_json_502_not_a_stack_trace(gw):
    r = gw.get("/api/users/me")
    assert r.status_code in (502, 503) and r.json["error"] in ("BAD_GATEWAY", "SERVICE_UNAVAILABLE")


def test_a_slow_upstream_is_a_json_504(gw):
    r = gw.get("/api/orders")
    assert r.status_code == 504 and r.json["error"] == "GATEWAY_TIMEOUT"


def test_a_garbage_bearer_token_is_refused_at_the_edge(gw):
    r = gw.get("/api/products", headers={"Authorization": "Bearer not-a-jwt"})
    assert r.status_code in (401, 503) and r.is_json


@pytest.mark.parametrize(
    "path",
    ["login", "password/forgot", "password/reset", "password/reset/check", "email/change/confirm", "email/change/undo"],
    ids=lambda p: p.replace("/", "-"),
)
def test_a_stale_token_does_not_block_signing_in_or_a_forgotten_passwords_link(gw, path):
    """The token of a session a reset just ended is still in the browser's cookie: the reset must get through (here
    to the auth upstream, which this gateway finds down), as signing in does."""
    r = gw.post(f"/api/auth/{path}", json={}, headers={"Authorization": "Bearer not-a-jwt"})
    assert r.status_code in (502, 503) and r.json["error"] in ("BAD_GATEWAY", "SERVICE_UNAVAILABLE"), r.json


def test_health_aggregates_every_upstream(gw):
    r = gw.get("/health")
    assert r.status_code == 503
    ups = r.json["upstreams"]
    assert set(ups) == set(SERVICE_PORTS)
    assert ups["users"].startswith("down")


def test_writes_meet_a_429_once_the_rate_limit_is_spent(redis_url, products_url, slow_url):
    gw = make_gateway(redis_url, products_url, slow_url, rate_limit_writes="3/minute")
    ip = {"X-Forwarded-For": f"10.9.{time.time_ns() % 250}.{time.time_ns() % 200}"}
    codes = [gw.post("/api/products", json={}, headers=ip).status_code for _ in range(5)]
    assert codes[:3] == [401, 401, 401]
    assert codes[3:] == [429, 429]
    assert gw.post("/api/products", json={}, headers=ip).json["error"] == "RATE_LIMITED"


def test_an_api_client_cannot_dodge_the_limit_by_inventing_forwarded_addresses(redis_url, products_url, slow_url):
    gw = make_gateway(redis_url, products_url, slow_url, rate_limit_writes="2/minute")
    outsider = {"REMOTE_ADDR": f"203.0.113.{time.time_ns() % 250}"}
    codes = [
        gw.post("/api/products", json={}, headers={"X-Forwarded-For": f"10.0.0.{n}"}, environ_base=outsider).status_code
        for n in range(4)
    ]
    assert codes == [401, 401, 429, 429]


@pytest.mark.parametrize("path", ["image", "images/1", "images/8"])
def test_an_image_upload_may_be_larger_than_a_json_body_and_reaches_the_products_service(gw, path):
    photo = b"\x89PNG" + b"\x00" * (200 * 1024)  # over the 64 KB of a JSON body, under the 2 MB of an image
    assert gw.put(f"/api/products/some-product/{path}", data=photo).status_code == 401  # the service: admins only
    assert gw.put(f"/api/products/some-product/{path}", data=photo * 11).status_code == 413


@pytest.mark.parametrize("path", ["images/9", "images/1/x", "images"])
def test_no_other_product_path_takes_a_body_larger_than_json(gw, path):
    assert gw.put(f"/api/products/some-product/{path}", data=b"\x00" * (200 * 1024)).status_code == 413
