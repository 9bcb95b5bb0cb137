"""The outbound HTTP client against a real local server: retries, timeouts, circuit breaker."""

from __future__ import annotations

import threading
import time

import pytest
from flask import Flask, request

from common.errors import Unavailable, UpstreamError, UpstreamTimeout
from common.http.client import HttpClient
from tests.support.servers import free_port, serving


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

    @app.post("/bad-request")
    def bad_request():
        return {"error": "INVALID_JSON"}, 400

    @app.post("/echo")
    def echo():
        resp = app.response_class(request.get_data(), content_type="application/octet-stream")
        resp.headers.add("Set-Cookie", "a=1")
        resp.headers.add("Set-Cookie", "b=2")
        resp.headers["X-Query"] = request.query_string.decode()
        return resp

    @app.get("/broken")
    def broken():
        return "bug", 500

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


def test_timeouts_in_a_row_open_the_breaker(upstream):
    url, _ = upstream
    client = HttpClient("t", url, timeout=0.05, retries=0, fail_max=3)
    for _ in range(3):
        with pytest.raises(UpstreamTimeout):
            client.get("/slow")
    with pytest.raises(Unavailable):
        client.get("/ok")


def test_one_client_sending_bad_requests_never_opens_the_breaker(upstream):
    url, _ = upstream
    client = HttpClient("t", url, retries=0)
    assert {client.post("/bad-request").status_code for _ in range(50)} == {400}
    assert client.breaker.state == "closed" and client.get("/ok").status_code == 200


def test_a_few_5xx_answers_are_passed_on_without_opening_the_breaker(upstream):
    url, _ = upstream
    client = HttpClient("t", url, retries=0)
    assert [client.get("/broken").status_code for _ in range(10)] == [500] * 10
    assert client.breaker.state == "closed"


def test_5xx_answers_over_volume_open_the_breaker(upstream):
    url, _ = upstream
    client = HttpClient("t", url, retries=0)
    for _ in range(20):
        client.get("/broken")
    with pytest.raises(Unavailable):
        client.get("/ok")


def test_calls_through_one_client_run_concurrently(upstream):
    url, _ = upstream
    client = HttpClient("t", url)
    threads = [threading.Thread(target=client.get, args=("/slow",)) for _ in range(4)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert time.perf_counter() - started < 1.5  # four 0.5 s calls, not one after another (2 s)


def test_the_request_id_travels_with_the_call(upstream):
    from common.observability.logs import request_id_var

    url, _ = upstream
    token = request_id_var.set("rid-123")
    try:
        assert HttpClient("t", url).get("/ok").json() == {"rid": "rid-123"}
    finally:
        request_id_var.reset(token)


def test_forward_passes_bytes_query_and_repeated_headers_through_unchanged(upstream):
    url, _ = upstream
    resp = HttpClient("t", url).forward("POST", "/echo?q=a%20b&q=c", body=b"\x00raw", headers={"X-A": "1"})
    assert resp.status == 200 and resp.data == b"\x00raw"
    assert resp.headers["X-Query"] == "q=a%20b&q=c"
    assert resp.headers.getlist("Set-Cookie") == ["a=1", "b=2"]  # never folded into one line


def test_forward_keeps_working_after_the_session_is_closed(upstream):
    url, _ = upstream
    client = HttpClient("t", url)
    assert client.forward("GET", "/ok").status == 200
    client.session.close()  # closes the pool forward() holds on to
    assert client.forward("GET", "/ok").status == 200 and client.get("/ok").status_code == 200


def test_forward_retries_times_out_and_trips_the_breaker_like_request(upstream):
    url, calls = upstream
    calls["flaky"] = 0
    assert HttpClient("t", url, retries=2).forward("GET", "/flaky").status == 200 and calls["flaky"] == 3
    client = HttpClient("t", url, timeout=0.05, retries=0, fail_max=2)
    for _ in range(2):
        with pytest.raises(UpstreamTimeout):
            client.forward("GET", "/slow")
    with pytest.raises(Unavailable):
        client.forward("GET", "/ok")
    with pytest.raises(UpstreamError):
        HttpClient("down", f"http://127.0.0.1:{free_port()}", retries=0).forward("GET", "/x")
