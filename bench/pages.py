"""Pages under wrk: each scenario, then one bare hop serving the same bytes, back to back in the same run.

Rows: the anonymous home page, an anonymous product page, a unique-query search page, the home page
signed in with a cart, `GET /api/products` through the gateway and on the service; then the composer's
own overhead (bench/overhead.py). Targets are issue 26's (the gateway line's is issue 9's).
"""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass, field

import requests

from . import overhead, wrk
from .bare import BareHop, bare_hop
from .catalog import WORDS
from .procs import CpuMeter, by_app, stack_processes, total
from .shopper import signed_in_cookie
from .stack import offset_of
from .table import Row, Target, gateway_line, table

WARM_UP_SECONDS = 2  # connections, first-use costs and any cache fill stay out of the figures
SEARCH_SCRIPT = "unique_search.lua"
# Each wrk run of the search script starts at a block of price ceilings (dollars; the API takes up to $1,000,000)
# no other run of this process used, so the warm-up never asks the measured run's queries.
_CEILINGS = itertools.count(random.randint(100, 300) * 1000, 100_000)
# Issue 26: a page for a browser without a session at half a bare hop or better, its p99 within 25 ms.
PAGE_TARGET = Target(max_p99_ms=25, min_bare_ratio=0.5)


@dataclass(frozen=True)
class Scenario:
    name: str
    key: str  # the bare hop's name for the same bytes
    url: str
    headers: dict = field(default_factory=dict)
    lua: str | None = None  # a request script in bench/lua/
    args: tuple = ()
    target: Target | None = None

    def sample_url(self) -> str:
        """One concrete URL with the bytes the bare hop serves (a search script varies its path)."""
        if self.lua == SEARCH_SCRIPT:
            return f"{self.url}/products?q={self.args[1]}&max_price={random.randint(1000, 99_999)}"
        return self.url

    def script_args(self) -> tuple:
        return (next(_CEILINGS), *self.args) if self.lua == SEARCH_SCRIPT else self.args


def scenarios(urls: dict, product_id: str, cookie: str) -> list[Scenario]:
    shell, gateway, products = urls["shell"], urls["gateway"], urls["products"]
    return [
        Scenario("anonymous home  /", "home", f"{shell}/", target=PAGE_TARGET),
        Scenario("anonymous product page", "product", f"{shell}/products/{product_id}", target=PAGE_TARGET),
        Scenario(
            "search, unique query each request",
            "search",
            shell,
            lua=SEARCH_SCRIPT,
            args=(wrk.THREADS, *WORDS),
            target=Target(300),
        ),
        Scenario(
            "signed-in home, 1 item in cart",
            "signed-in",
            f"{shell}/",
            headers={"Cookie": cookie},
            target=Target(min_bare_ratio=0.4),
        ),
        Scenario("GET /api/products via gateway", "api", f"{gateway}/api/products"),
        Scenario("GET /api/products on the service", "api", f"{products}/api/products"),
    ]


def _capture(scenario: Scenario, bare: BareHop) -> str:
    url = scenario.sample_url()
    r = requests.get(url, headers=scenario.headers, timeout=10)
    if r.status_code != 200:
        raise RuntimeError(f"{scenario.name}: {url} answered {r.status_code}")
    return bare.store(scenario.key, r.content, r.headers.get("Content-Type", "text/html"))


def _load(
    url: str, connections: int, duration: float, scenario: Scenario | None = None, roots: dict | None = None
) -> tuple[wrk.WrkResult, dict[str, float]]:
    """wrk's figures after a warm-up and, given the stack's `roots`, the CPU seconds each of its processes used
    meanwhile (bench/procs.py), wrk's own and the bare hop's left out."""

    def extra() -> dict:
        return (
            {}
            if scenario is None
            else {"headers": scenario.headers, "lua": scenario.lua, "args": scenario.script_args()}
        )

    wrk.run(url, connections, WARM_UP_SECONDS, **extra())
    meter = CpuMeter(roots).start() if roots else None
    result = wrk.run(url, connections, duration, **extra())
    return result, (meter.stop() if meter is not None else {})


def cpu_line(name: str, result: wrk.WrkResult, used: dict[str, float]) -> str:
    """Where one request's CPU went, summed over every process of the stack (load-independent, unlike req/s)."""
    if not result.requests or not used:
        return f"{name}: no CPU figures"
    per = {app: seconds * 1000 / result.requests for app, seconds in by_app(used).items()}
    shown = ", ".join(f"{app} {ms:.1f}" for app, ms in sorted(per.items(), key=lambda kv: -kv[1]) if ms >= 0.05)
    return f"{name}: {total(used) * 1000 / result.requests:.1f} ms of CPU per request, every process: {shown}"


def measure(
    scenario: Scenario, bare: BareHop, connections: int, duration: float, bare_results: dict, roots: dict | None = None
) -> Row:
    bare_url = _capture(scenario, bare)
    # The stack's URL is the origin for a script that writes its own paths.
    url = scenario.url if scenario.lua is None else f"{scenario.url}/"
    result, used = _load(url, connections, duration, scenario, roots)
    if scenario.key not in bare_results:  # the gateway and the service answer the same bytes: one bare run
        bare_results[scenario.key] = _load(bare_url, connections, duration)[0]
    row = Row(scenario.name, result, bare_results[scenario.key], scenario.target)
    print(f"  measured {scenario.name}: {result.rps:.1f} req/s", flush=True)
    print(f"    {cpu_line('CPU', result, used)}", flush=True)
    return row


def in_stock_product(urls: dict, wait: float = 30.0) -> str:
    """A seeded product the shopper can put in a cart (some of the catalog is sold out on purpose). A fresh
    stack's inventory creates its stock from the catalog's events, a moment after the processes answer."""
    items = requests.get(f"{urls['products']}/api/products", params={"per_page": 100}, timeout=10).json()["items"]
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        for item in items:
            stock = requests.get(f"{urls['inventory']}/api/inventory/{item['sku']}", timeout=10)
            if stock.ok and stock.json()["available"] > 1:
                return item["id"]
        time.sleep(0.5)
    raise RuntimeError(f"no seeded product was in stock within {wait:.0f} s")


def main(urls: dict, connections: int, duration: float) -> None:
    offset = offset_of(urls)
    product_id = in_stock_product(urls)
    cookie = signed_in_cookie(urls["gateway"], urls["shell"], product_id)
    print(
        f"wrk, {connections} connections, {wrk.THREADS} threads, {duration:.0f} s per measurement "
        f"after {WARM_UP_SECONDS} s of warm-up; each row is followed by a bare Flask hop (gunicorn, 1 worker, "
        f"8 threads) serving the same bytes",
        flush=True,
    )
    with bare_hop(offset) as bare:
        bare_results: dict = {}
        roots = stack_processes(offset)
        rows = [
            measure(s, bare, connections, duration, bare_results, roots) for s in scenarios(urls, product_id, cookie)
        ]
    print()
    print(table(rows))
    print(gateway_line(rows[-2].result, rows[-1].result))
    fragment_urls = {n[len("fragment-") :]: u for n, u in urls.items() if n.startswith("fragment-")}
    print(overhead.measure(urls["shell"], fragment_urls, duration).summary())
