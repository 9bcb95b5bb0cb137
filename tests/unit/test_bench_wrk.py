"""The pages benchmark's parts: wrk's report parsed, its Lua scripts run by real wrk, the bare hop, the table."""

from __future__ import annotations

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from bench import bare, local, overhead, pages, stack, wrk
from bench.table import Row, Target, gateway_line, line

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:3700/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   342.10ms   40.22ms 470.00ms   70.00%
    Req/Sec    22.61      8.10    50.00     68.00%
  452 requests in 10.02s, 3.10MB read
  Non-2xx or 3xx responses: 2
Requests/sec:     45.11
Transfer/sec:    316.80KB
WRK_JSON {"requests": 452, "duration_us": 10020000, "bytes": 3250000, "p50_us": 342000, "p90_us": 400000, \
"p99_us": 462500, "max_us": 470000, "errors": {"connect": 0, "read": 1, "write": 0, "status": 2, "timeout": 0}}
"""
needs_wrk = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is installed by `make bench` only")


def test_the_report_line_gives_throughput_percentiles_in_milliseconds_and_every_kind_of_error():
    result = wrk.parse(WRK_OUTPUT)
    assert result.requests == 452
    assert result.rps == pytest.approx(45.11, abs=0.01)
    assert (result.p50_ms, result.p99_ms) == (342.0, 462.5)
    assert result.errors == 3


def test_output_without_the_report_line_is_an_error_that_shows_what_wrk_said():
    with pytest.raises(wrk.WrkError, match="unable to connect"):
        wrk.parse("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_wrk_is_given_connections_threads_headers_and_script_arguments():
    argv = wrk.command("http://h:1/", "s.lua", 16, 10.0, headers={"Cookie": "a=b"}, args=(7, "mug"))
    assert argv[1:] == [
        "--threads",
        "2",
        "--connections",
        "16",
        "--duration",
        "10s",
        "--timeout",
        "10s",
        "--script",
        "s.lua",
        "--header",
        "Cookie: a=b",
        "http://h:1/",
        "--",
        "7",
        "mug",
    ]


@pytest.fixture
def recording_server():
    """A local HTTP server that records every path it is asked for."""
    paths: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            paths.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", paths
    server.shutdown()
    server.server_close()


@needs_wrk
def test_the_report_hook_runs_in_real_wrk(recording_server):
    url, paths = recording_server
    result = wrk.run(url, connections=2, duration=1)
    assert result.requests > 0 and result.errors == 0
    assert set(paths) == {"/"}


@needs_wrk
def test_the_search_script_asks_a_query_no_request_asked_before(recording_server):
    url, paths = recording_server
    wrk.run(url, connections=4, duration=1, lua="unique_search.lua", args=(100_000, wrk.THREADS, "mug", "pen"))
    queries = [parse_qs(urlsplit(p).query) for p in paths]
    assert len(paths) > 10 and len(set(paths)) == len(paths)
    assert all(urlsplit(p).path == "/products" and q["q"][0] in ("mug", "pen") for p, q in zip(paths, queries))
    assert all(int(q["max_price"][0]) > 100_000 for q in queries)


def test_every_run_of_the_search_script_starts_past_the_ceilings_earlier_runs_could_reach():
    search = next(
        s
        for s in pages.scenarios({"shell": "s", "gateway": "g", "products": "p"}, "id", "c")
        if s.lua == pages.SEARCH_SCRIPT
    )
    warm_up, measured = search.script_args(), search.script_args()
    assert measured[0] - warm_up[0] == 100_000 and measured[1:] == (wrk.THREADS, *pages.WORDS)
    assert int(parse_qs(urlsplit(search.sample_url()).query)["max_price"][0]) < warm_up[0]


def test_each_overhead_sample_asks_the_page_then_every_fragment_it_composes(recording_server):
    url, paths = recording_server
    cost = overhead.measure(url.rstrip("/"), {"products": url, "auth": url, "cart": url}, duration=0, min_samples=5)
    assert cost.samples == 5 and len(cost.overhead) == len(cost.overhead_last_byte) == 5
    assert paths == ["/", "/featured", "/badge", "/mini"] * 6  # one warm-up round, then the samples
    assert "5 sequential samples" in cost.summary()


def test_the_bare_hop_answers_stored_bytes_with_their_content_type(tmp_path, monkeypatch):
    hop = bare.BareHop(tmp_path, port=1)
    hop.store("home", b"<html>same bytes</html>", "text/html; charset=utf-8")
    hop.store("api", b'{"items": []}', "application/json")
    monkeypatch.setenv(bare.DIR_ENV, str(tmp_path))
    client = bare.create_app().test_client()
    home, api = client.get("/home"), client.get("/api")
    assert (home.data, home.content_type) == (b"<html>same bytes</html>", "text/html; charset=utf-8")
    assert (api.data, api.content_type) == (b'{"items": []}', "application/json")
    assert client.get("/missing").status_code == 404


def _result(rps: float, p50: float, p99: float) -> wrk.WrkResult:
    return wrk.WrkResult(requests=int(rps * 10), seconds=10.0, p50_ms=p50, p99_ms=p99, errors=0)


def test_a_row_shows_its_share_of_a_bare_hop_and_whether_each_target_is_met():
    bare_hop = _result(2000, 7, 15)
    fast = line(Row("home", _result(700, 20, 40), bare_hop, Target(600, 50, 0.25)))
    slow = line(Row("home", _result(45, 342, 462), bare_hop, Target(600, 50, 0.25)))
    assert "0.35x" in fast and fast.endswith(">= 600/s, p99 <= 50 ms, >= 0.25x bare: met")
    assert "0.02x  44.4" in slow and slow.endswith("MISSED")


def test_the_gateway_target_compares_medians():
    assert gateway_line(_result(300, 54, 88), _result(600, 25, 48)).endswith("2.16x (target <= 1.3x): MISSED")
    assert gateway_line(_result(550, 30, 50), _result(600, 25, 48)).endswith("met")


def test_the_local_row_compares_make_runs_settings_with_the_production_ones():
    production = _result(800, 20, 40)
    assert local.verdict(_result(500, 30, 60), production).endswith(
        "0.62x the production settings (target >= 0.6x): met"
    )
    assert local.verdict(_result(350, 40, 90), production).endswith("(target >= 0.6x): MISSED")


def test_a_stack_started_for_make_runs_settings_gets_none_of_the_production_ones():
    caller = {"PATH": "/bin", "OTEL_TRACES_SAMPLER": "always_off", "LIVE_TEMPLATES": "0"}
    production = stack.stack_env(700, environ=caller)
    assert {k: production[k] for k in stack.PRODUCTION} == stack.PRODUCTION and production["PATH"] == "/bin"
    local_env = stack.stack_env(750, settings={}, environ=caller)
    assert not set(stack.PRODUCTION) & set(local_env) and local_env["FRAGMART_PORT_OFFSET"] == "750"
    assert all(local_env[k] == v for k, v in stack.UNLIMITED.items())


def test_a_rows_cpu_is_shown_per_request_by_app_largest_first():
    used = {"shell worker": 0.5, "shell": 0.01, "gateway worker": 1.0, "mongo": 0.25, "redis": 0.0001}
    shown = pages.cpu_line("CPU", _result(100, 10, 20), used)  # 1,000 requests
    assert shown == "CPU: 1.8 ms of CPU per request, every process: gateway 1.0, shell 0.5, mongo 0.2"
    assert pages.cpu_line("CPU", _result(100, 10, 20), {}) == "CPU: no CPU figures"
