"""The edge's trust decisions: whose X-Request-ID is believed, and HTTPS behind a TLS-terminating proxy."""

from __future__ import annotations

import os
import subprocess
import uuid

import pytest
import requests
from flask import Flask, make_response, request

import fragments.products
import shell
from devstack.probes import tcp_open
from devstack.processes import app_argv
from tests.support.polling import wait_until
from tests.support.servers import free_port, serving

MARKUP = "<script>alert(1)</script>"
PROXIED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


@pytest.fixture(scope="module")
def fragment(redis_url):
    return fragments.products.create_app({"redis_url": redis_url}).test_client()


def make_shell(redis_url, fragment_urls=None, **settings):
    dead = f"http://127.0.0.1:{free_port()}"
    urls = {**dict.fromkeys(("auth", "products", "cart", "checkout", "profile"), dead), **(fragment_urls or {})}
    return shell.create_app(
        {"redis_url": redis_url, "fragment_urls": urls, "fragment_timeout": 0.5, **settings}
    ).test_client()


def test_a_process_keeps_a_minted_request_id_from_a_trusted_hop(fragment):
    rid = uuid.uuid4().hex
    assert fragment.get("/healthz", headers={"X-Request-ID": rid}).headers["X-Request-ID"] == rid


@pytest.mark.parametrize(
    "sent",
    [
        MARKUP,
        "a" * 64,
        "D9BB1D82619C49CD9FDB0FF73D15ABCE",
        "1e96e12d-fb54-48ac-82dd-5b6560b8c2c6",
        "0" * 31,
        "0" * 32 + "-x",
        "",
    ],
)
def test_a_request_id_not_in_the_minted_shape_is_replaced(fragment, sent):
    got = fragment.get("/healthz", headers={"X-Request-ID": sent}).headers["X-Request-ID"]
    assert got != sent and len(got) == 32 and int(got, 16) >= 0


def test_a_request_id_from_an_untrusted_address_is_replaced(fragment):
    rid = uuid.uuid4().hex
    r = fragment.get("/healthz", headers={"X-Request-ID": rid}, environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert r.headers["X-Request-ID"] != rid


def test_the_shell_mints_its_own_request_id_whatever_a_browser_sends(redis_url):
    rid = uuid.uuid4().hex
    assert make_shell(redis_url).get("/healthz", headers={"X-Request-ID": rid}).headers["X-Request-ID"] != rid


def test_local_http_keeps_working_when_https_is_not_enforced(redis_url):
    r = make_shell(redis_url).get("/login")
    assert "Location" not in r.headers and "site-header" in r.get_data(as_text=True)
    assert "Strict-Transport-Security" not in r.headers


@pytest.mark.parametrize("method, path", [("GET", "/products?q=a"), ("POST", "/f/cart/add")])
def test_plain_http_is_redirected_to_https_with_the_method_kept(redis_url, method, path):
    client = make_shell(redis_url, enforce_https=True, trusted_proxy_hops=1, shop_url="http://shop.example.com")
    r = client.open(path, method=method, headers={"X-Forwarded-Proto": "http"})
    assert r.status_code == 308 and r.headers["Location"] == f"https://shop.example.com{path}"


def test_the_https_redirect_goes_to_the_configured_origin_whatever_host_the_client_names(redis_url):
    client = make_shell(redis_url, enforce_https=True, trusted_proxy_hops=1, shop_url="https://shop.example.com")
    r = client.get("/products?q=a", headers={"X-Forwarded-Proto": "http", "Host": "evil.example"})
    assert r.status_code == 308 and r.headers["Location"] == "https://shop.example.com/products?q=a"


def test_the_shells_metrics_are_refused_through_the_proxy_and_served_to_a_direct_scrape(redis_url):
    client = make_shell(redis_url, trusted_proxy_hops=1)
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 404
    assert client.get("/metrics", headers={"Forwarded": "for=203.0.113.7"}).status_code == 404
    assert "http_requests_total" in client.get("/metrics").get_data(as_text=True)


def test_the_shell_never_continues_a_clients_trace():
    seen = []
    app = shell.create_app({"redis_url": "redis://127.0.0.1:1/0", "fragment_urls": {}})
    app.before_request(lambda: seen.append(dict(request.headers)))
    parent = {
        "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "tracestate": "x=1",
        "baggage": "k=v",
    }
    app.test_client().get("/healthz", headers=parent)
    assert seen and not {"Traceparent", "Tracestate", "Baggage"} & set(seen[0])


def test_gunicorn_never_takes_x_forwarded_ssl_from_a_loopback_peer_for_https(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "ENFORCE_HTTPS": "1",
        "FRAGMART_PORT_OFFSET": os.environ.get("TEST_PORT_OFFSET", "0"),
        "KEYS_DIR": str(tmp_path),
    }
    proc = subprocess.Popen(app_argv("shell", port), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: tcp_open(port), timeout=60)
        for header in ({"X-Forwarded-Ssl": "on"}, {"X-Forwarded-Proto": "https"}, {"X-Forwarded-Protocol": "ssl"}):
            r = requests.get(f"http://127.0.0.1:{port}/login", headers=header, allow_redirects=False, timeout=10)
            assert r.status_code == 308, header
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
def test_probes_and_scrapes_over_plain_http_are_not_redirected(redis_url, path):
    assert make_shell(redis_url, enforce_https=True, trusted_proxy_hops=1).get(path).status_code in (200, 503)


def test_a_browser_cannot_claim_https_past_an_untrusted_edge(redis_url):
    r = make_shell(redis_url, enforce_https=True).get("/login", headers=PROXIED)
    assert r.status_code == 308  # no trusted proxy hops: X-Forwarded-Proto is the browser's word, not believed


def test_behind_the_tls_proxy_pages_send_hsts_and_every_cookie_is_secure(redis_url):
    app = Flask(__name__)  # a stand-in fragment that, reached over plain HTTP, sets a cookie without Secure

    @app.get("/page")
    def page():
        resp = make_response("<p>cart</p>")
        resp.set_cookie("fm_cart", "abc", httponly=True, samesite="Lax")
        return resp

    with serving(app) as cart:
        r = make_shell(redis_url, {"cart": cart}, enforce_https=True, trusted_proxy_hops=1).get(
            "/cart", headers=PROXIED
        )
    assert r.status_code == 200
    assert r.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookies = r.headers.getlist("Set-Cookie")
    assert any(c.startswith("fm_cart=") for c in cookies) and any(c.startswith("fm_csrf=") for c in cookies)
    assert all("; Secure" in c for c in cookies), cookies
