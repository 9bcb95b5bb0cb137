"""The outbound HTTP client against a real local server: retries, timeouts, circuit breaker."""
from __future__ import annotations

import threading
import time

import pytest
from flask import Flask, request

from common.errors import Unavailable, UpstreamError, UpstreamTimeout
from common.http import HttpClient
from tests.servers import free_port, serving


@pytest.fixture(scope="module")
def upstream():
    app = Flask(__name__)
    calls = {"flaky": 0}
    lock = threading.Lock()

    @app.get("/ok")
    def ok():
        return {"rid": request.headers.get("X-Request-ID")}

    @app.get("/flaky")
    def flaky():
        with lock:
            calls["flaky"] += 1
            n = calls["flaky"]
        return ("busy", 503) if n % 3 else ("fine", 200)

    @app.post("/flaky-post")
    def flaky_post():
        with lock:
            calls["post"] = calls.get("post", 0) + 1
        return "busy", 503

    @app.get("/slow")
    def slow():
        time.sleep(0.5)
        return "late"

    with serving(app) as url:
        yield url, calls


def test_an_idempotent_call_is_retried_until_it_succeeds(upstream):
    url, calls = upstream
    calls["flaky"] = 0
    resp = HttpClient("t", url, retries=2).get("/flaky")
    assert resp.status_code == 200 and calls["flaky"] == 3


def test_a_post_is_never_retried(upstream):
    url, calls = upstream
    resp = HttpClient("t", url, retries=2).post("/flaky-post")
    assert resp.status_code == 503 and calls["post"] == 1


def test_a_slow_upstream_becomes_a_timeout_error(upstream):
    url, _ = upstream
    with pytest.raises(UpstreamTimeout):
        HttpClient("t", url, timeout=0.1, retries=0).get("/slow")


def test_the_breaker_opens_after_repeated_failures_and_fails_fast():
    client = HttpClient("down", f"http://127.0.0.1:{free_port()}", retries=0, fail_max=3, reset_timeout=30)
    for _ in range(2):
        with pytest.raises(UpstreamError):
            client.get("/x")
    with pytest.raises((Unavailable, UpstreamError)):
        client.get("/x")
    started = time.perf_counter()
    with pytest.raises(Unavailable):
        client.get("/x")
    assert time.perf_counter() - started < 0.05


def test_the_request_id_travels_with_the_call(upstream):
    from common.logs import request_id_var
    url, _ = upstream
    token = request_id_var.set("rid-123")
    try:
        assert HttpClient("t", url).get("/ok").json() == {"rid": "rid-123"}
    finally:
        request_id_var.reset(token)
