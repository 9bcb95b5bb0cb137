"""Orders end to end, as a shopper waits for them: placed (POST /api/orders through the gateway) to the moment the
shopper's own look shows CONFIRMED. Between the two the shopper does what the storefront makes them do:
- "Place order" waits for the stock to be held: it asks payments for the provider's page once, and payments answers
  the moment the payment opens or after 0.8 s (`wait_ms`, fragments/checkout/client.py); past that the waiting page
  asks every second (templates/checkout/_paying.html);
- the browser loads the provider's hosted page and the card goes in there (the local stand-in, driven by its HTTP
  form as a browser posts it; the bench pays at once, so no time of the shopper's own is in the figure);
- the provider sends the browser back to the shop's return page (through the shell: the checkout fragment asks
  payments to check with the provider, then shows the order); until it is settled, its status region
  (/f/checkout/confirmation/<id>/status through the shell) asks again each time the page's poll interval has passed
  since the last answer (`hx-trigger="every 1s"` in templates/checkout/_status.html, read from the template, so the
  bench follows the page). The shopper sees CONFIRMED when a page or region answer shows it.

The order is placed and the provider's page asked for through the gateway's API (what the checkout fragment sends
for "Place order"); the pages after the provider's go through the shell with the shopper's cookies.
Each of N shoppers places an order, waits as above, then places the next (closed loop), for a warm-up and then the
measured window. Beside each figure, from the same orders: the time to the CONFIRMED step of the order's own
timeline (what `bench orders` reported before issue 26: it leaves out the wait for the page's next look, and its
shoppers looked after 20 ms, 40 ms, …). The stack's CPU is summed over every process of the stack's trees
(bench/procs.py): the database, Redis, the broker, the stand-ins, gunicorn masters and the supervisor included.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pymongo
import requests

from bench.load import Result
from bench.procs import CpuMeter, by_app, ours, stack_processes, total
from bench.stack import offset_of
from common.auth.session import ACCESS_COOKIE, REFRESH_COOKIE
from common.settings import INFRA_PORTS
from common.web.csrf import CSRF_COOKIE
from devstack.accounts import admin_headers
from fragments.checkout.client import READY_WAIT

ROWS = (8, 64)  # the rows: 8 shoppers for latency, 64 for orders/s at saturation
WARM_UP = 10.0  # seconds of the row's own load before it is measured (connections, caches, busy consumers)
STOCK = 1_000_000
GIVE_UP = 30.0  # an order not confirmed this long after it was placed counts as an error
ADDRESS = {"name": "Bench Shopper", "line1": "1 Load St", "city": "Benchville", "postal_code": "10001", "country": "US"}
CARD = {"number": "4242 4242 4242 4242", "exp": "12 / 34", "cvc": "123"}  # typed on the provider's page only
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class Targets:
    """Issue 26's saga targets."""

    p50_ms: float = 100.0
    p95_ms: float = 250.0
    latency_shoppers: int = 8
    orders_per_s: float = 100.0
    saturation_shoppers: int = 64
    cpu_ms: float = 15.0


TARGETS = Targets()


def page_poll_seconds(template: str = "checkout/_status.html") -> float:
    """How long the page waits between looks at a pending order: its `hx-trigger="every Ns"` (or `Nms`)."""
    text = (TEMPLATES / template).read_text()
    found = re.search(r'hx-trigger="every (\d+(?:\.\d+)?)(ms|s)"', text)
    if found is None:
        raise RuntimeError(f'templates/{template} no longer polls with hx-trigger="every …": update bench/orders.py')
    return float(found[1]) / (1000 if found[2] == "ms" else 1)


def _product(gateway: str) -> tuple[str, str]:
    """A product of the bench's own with plenty of stock, so no order is rejected for want of it: (id, sku)."""
    body = {
        "name": f"Bench item {uuid.uuid4().hex[:8]}",
        "price": 1500,
        "category": "bench",
        "sku": f"BENCH-{uuid.uuid4().hex[:12]}",
        "initial_stock": STOCK,
    }
    r = requests.post(f"{gateway}/api/products", json=body, headers=admin_headers(gateway), timeout=10)
    r.raise_for_status()
    product = r.json()
    deadline = time.monotonic() + 30
    while requests.get(f"{gateway}/api/inventory/{product['sku']}", timeout=5).status_code != 200:
        if time.monotonic() > deadline:
            raise RuntimeError("inventory never created the bench product's stock")
        time.sleep(0.1)
    return product["id"], product["sku"]


@dataclass(frozen=True)
class Shop:
    gateway: str
    shell: str

    @property
    def offset(self) -> int:
        """The stack's port offset, read from the shell's port."""
        return offset_of({"shell": self.shell})


# A signed-in shopper: its API session (with the bearer token) and its browser, which holds the shop's cookies and
# visits the provider's page, the shop's return page and its status region.
Shopper = tuple[requests.Session, requests.Session]


def _shopper(gateway: str) -> Shopper:
    session = requests.Session()
    r = session.post(
        f"{gateway}/api/auth/register",
        timeout=10,
        json={"email": f"bench-{uuid.uuid4().hex}@example.com", "password": "bench-password-1", "name": "Bench"},
    )
    r.raise_for_status()
    tokens = r.json()
    session.headers["Authorization"] = f"Bearer {tokens['access_token']}"
    browser = requests.Session()
    browser.headers["Cookie"] = (
        f"{ACCESS_COOKIE}={tokens['access_token']}; {REFRESH_COOKIE}={tokens['refresh_token']}; "
        f"{CSRF_COOKIE}={secrets.token_urlsafe(32)}"
    )
    return session, browser


SETTLED = re.compile(r'class="order-status order-status-(confirmed|rejected|cancelled)"')


def _settled(html: str) -> str | None:
    """The settled status an order page or its status region shows (`confirmed`…), or None while it is pending."""
    found = SETTLED.search(html)
    return found[1] if found else None


@dataclass(frozen=True)
class Outcome:
    """One confirmed order: when the shopper saw it, when its timeline says it was confirmed, and how many requests
    the shopper sent the stack for it (the order, the asks for the provider's page, the page and the card, the
    check with the provider, the looks at the order)."""

    seen_ms: float
    stamp_ms: float
    calls: int


class _Gave(Exception):
    """The order ended otherwise, could not be paid, or took longer than GIVE_UP."""


def _provider_page(
    gateway: str, session: requests.Session, order_id: str, started: float, poll: float
) -> tuple[str, int]:
    """The provider's page for the order, waited for as "Place order" and then the waiting page wait for it; and
    how many times it was asked for."""
    looks = 0
    while time.perf_counter() - started < GIVE_UP:
        # "Place order" asks once, the payments service waiting up to READY_WAIT for the stock to be held; the
        # waiting page then asks every poll interval without waiting.
        wait_ms = int(READY_WAIT * 1000) if looks == 0 else 0
        body = {"order_id": order_id, "wait_ms": wait_ms}
        r = session.post(f"{gateway}/api/payments/checkouts", json=body, timeout=10)
        if r.status_code == 201:
            return r.json()["url"], looks + 1
        if r.json().get("error") != "PAYMENT_NOT_READY":
            raise _Gave
        looks += 1
        time.sleep(poll)
    raise _Gave


def _order_once(shop: Shop, shopper: Shopper, product_id: str, poll: float) -> Outcome:
    session, browser, gateway = *shopper, shop.gateway
    body = {"address": ADDRESS, "lines": [{"product_id": product_id, "quantity": 1}]}
    started, wall = time.perf_counter(), time.time()
    r = session.post(f"{gateway}/api/orders", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}, timeout=10)
    if r.status_code != 202:
        raise _Gave
    order_id = r.json()["id"]
    page, asks = _provider_page(gateway, session, order_id, started, poll)
    browser.get(page, timeout=10).raise_for_status()  # the browser loads the provider's page, then pays at once
    paid = browser.post(page, data=CARD, allow_redirects=False, timeout=10)
    if paid.status_code != 303:
        raise _Gave
    # Back at the shop's return page (the shell; its fragment asks payments to check with the provider, then shows
    # the order); its status region asks again `poll` seconds after each answer until the order is settled.
    html, looks = browser.get(paid.headers["Location"], timeout=10).text, 1
    region = f"{shop.shell}/f/checkout/confirmation/{order_id}/status"
    while (status := _settled(html)) is None:
        if time.perf_counter() - started > GIVE_UP:
            raise _Gave
        time.sleep(poll)
        html, looks = browser.get(region, headers={"HX-Request": "true"}, timeout=10).text, looks + 1
    seen = time.perf_counter()
    if status != "confirmed":
        raise _Gave
    # The CONFIRMED step of the order's timeline, for the figure beside (one read more per order, after the clock).
    order = session.get(f"{gateway}/api/orders/{order_id}", timeout=10).json()
    at = next(t["at"] for t in order["timeline"] if t["status"] == "CONFIRMED")
    calls = 1 + asks + 2 + looks + 1  # the order; the asks; the provider's page and the card; the looks; the read
    return Outcome((seen - started) * 1000, (datetime.fromisoformat(at).timestamp() - wall) * 1000, calls)


@dataclass
class Loop:
    """What the shoppers did in one stretch of the closed loop."""

    outcomes: list[Outcome] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0


def _loop(shop: Shop, shoppers: list[Shopper], product_id: str, seconds: float, poll: float) -> Loop:
    """Every shopper orders again and again until `seconds` have passed; the orders under way are finished."""
    done, lock = Loop(), threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds

    def orders_of(shopper: Shopper) -> None:
        while time.perf_counter() < deadline:
            try:
                outcome = _order_once(shop, shopper, product_id, poll)
            except (_Gave, requests.RequestException, ValueError, KeyError):
                with lock:
                    done.errors += 1
                continue
            with lock:
                done.outcomes.append(outcome)

    threads = [threading.Thread(target=orders_of, args=(s,)) for s in shoppers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.seconds = time.perf_counter() - started
    return done


def database_operations(offset: int) -> dict[str, int]:
    """The database server's operation counters so far (serverStatus `opcounters`: insert, query, update, delete,
    getmore, command), summed over every service's database."""
    url = f"mongodb://127.0.0.1:{INFRA_PORTS['mongo'] + offset}/"
    client: pymongo.MongoClient = pymongo.MongoClient(url, serverSelectionTimeoutMS=3000)
    with client:
        return {k: int(v) for k, v in client.admin.command("serverStatus")["opcounters"].items()}


class Row:
    """One concurrency's figures: as the shopper waits, to the timeline's stamp, the stack's CPU by process, and the
    database operations per order."""

    def __init__(
        self,
        concurrency: int,
        loop: Loop,
        bench_cpu: float,
        used: dict[str, float],
        oversold: int,
        operations: dict[str, int] | None = None,
    ):
        self.concurrency, self.loop, self.bench_cpu, self.used = concurrency, loop, bench_cpu, used
        self.oversold, self.operations = oversold, operations or {}
        n = len(loop.outcomes)
        self.seen = Result("seen", n, loop.errors, loop.seconds, [o.seen_ms for o in loop.outcomes])
        self.stamp = Result("stamp", n, loop.errors, loop.seconds, [o.stamp_ms for o in loop.outcomes])

    def cpu_ms(self, used: float) -> float:
        return used * 1000 / max(self.seen.requests, 1)

    def line(self) -> str:
        s, t = self.seen, self.stamp
        calls = sum(o.calls for o in self.loop.outcomes) / max(s.requests, 1)
        return (
            f"{self.concurrency:>5} {s.throughput:8.1f} {s.percentile(50):7.0f} {s.percentile(95):7.0f} "
            f"{s.percentile(99):7.0f} | {t.percentile(50):7.0f} {t.percentile(95):7.0f} | {calls:5.1f} "
            f"{s.errors:6d} {self.oversold:8d} | {self.cpu_ms(total(self.used)):8.1f} "
            f"{total(self.used) / s.seconds:6.2f} | {self.cpu_ms(ours(self.used)):8.1f} | "
            f"{self.bench_cpu / s.seconds * 100:5.0f}%"
        )

    def per_process(self) -> str:
        ranked = sorted(by_app(self.used).items(), key=lambda kv: -kv[1])
        parts = [f"{name} {self.cpu_ms(v):.1f}" for name, v in ranked if abs(self.cpu_ms(v)) >= 0.05]
        return f"      CPU ms per order, every process: {', '.join(parts)}"

    def per_operation(self) -> str:
        n = max(self.seen.requests, 1)
        ranked = sorted(self.operations.items(), key=lambda kv: -kv[1])
        parts = [f"{name} {count / n:.1f}" for name, count in ranked]
        return f"      database operations per order ({sum(self.operations.values()) / n:.1f}): {', '.join(parts)}"

    def verdicts(self, targets: Targets = TARGETS) -> list[str]:
        """Each of the issue's targets this row measures, with its figure, the old way's beside it, met or missed."""
        s, t, found = self.seen, self.stamp, []

        def verdict(ok: bool) -> str:
            return "met" if ok else "MISSED"

        if self.concurrency == targets.latency_shoppers:
            p50, p95 = s.percentile(50), s.percentile(95)
            found.append(
                f"p50 <= {targets.p50_ms:.0f} ms as the shopper waits: {p50:.0f} ms, {verdict(p50 <= targets.p50_ms)}"
                f" (to the timeline's stamp: {t.percentile(50):.0f} ms)"
            )
            found.append(
                f"p95 <= {targets.p95_ms:.0f} ms as the shopper waits: {p95:.0f} ms, {verdict(p95 <= targets.p95_ms)}"
                f" (to the timeline's stamp: {t.percentile(95):.0f} ms)"
            )
        if self.concurrency == targets.saturation_shoppers:
            rate = s.throughput
            found.append(
                f">= {targets.orders_per_s:.0f} orders/s at {self.concurrency} shoppers: {rate:.1f}, "
                f"{verdict(rate >= targets.orders_per_s)} (the stack busy {total(self.used) / s.seconds:.2f} of "
                f"{os.cpu_count()} cores)"
            )
        cpu = self.cpu_ms(total(self.used))
        found.append(
            f"<= {targets.cpu_ms:.0f} ms of CPU per confirmed order, every process: {cpu:.1f} ms, "
            f"{verdict(cpu <= targets.cpu_ms)} (without the broker and Redis, as before: "
            f"{self.cpu_ms(ours(self.used)):.1f} ms)"
        )
        return [f"      {self.concurrency} shoppers: {v}" for v in found]


HEADER = (
    f"{'shop.':>5} {'orders/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} | {'stamp50':>7} {'stamp95':>7} | "
    f"{'calls':>5} {'errors':>6} {'oversold':>8} | {'stack ms':>8} {'cores':>6} | {'w/o b+r':>8} | {'bench':>6}"
)
LEGEND = (
    "shop.: shoppers at once; orders/s, p50/p95/p99: placed -> CONFIRMED as the shopper waits for it (seen on their "
    "own look, polled as the page polls); stamp50/95: the same orders to the CONFIRMED step of their timeline (the "
    "figure before issue 26); calls: requests a shopper sent the stack per order; stack ms: CPU per confirmed "
    "order summed over every process of the stack; cores: the stack's CPU over the window, in cores; w/o b+r: the "
    "same without the broker and Redis (as before issue 26); bench: the load generator's own CPU, share of one "
    "core; oversold: confirmed orders the shelf did not pay for"
)


def run(
    shop: Shop,
    concurrency: int,
    duration: float,
    warm_up: float,
    roots: dict[str, set[int]],
    shoppers: list[Shopper],
    poll: float,
) -> Row:
    gateway = shop.gateway
    product_id, sku = _product(gateway)
    # Shoppers carry over from row to row: the auth service lets one address sign up 200 accounts in 10 minutes.
    shoppers += [_shopper(gateway) for _ in range(concurrency - len(shoppers))]
    mine = shoppers[:concurrency]
    warm = _loop(shop, mine, product_id, warm_up, poll) if warm_up > 0 else Loop()
    meter, bench_cpu = CpuMeter(roots).start(), time.process_time()
    before = database_operations(shop.offset)
    measured = _loop(shop, mine, product_id, duration, poll)
    used, bench_cpu = meter.stop(), time.process_time() - bench_cpu
    operations = {k: v - before.get(k, 0) for k, v in database_operations(shop.offset).items()}
    shelf = requests.get(f"{gateway}/api/inventory/{sku}", timeout=5).json()
    confirmed = len(warm.outcomes) + len(measured.outcomes)
    oversold = max(0, confirmed - (STOCK - shelf["available"]), -shelf["available"], -shelf["reserved"])
    return Row(concurrency, measured, bench_cpu, used, oversold, operations)


def main(
    urls: dict,
    concurrency: int,
    duration: float,
    sweep: list[int] | None = None,
    warm_up: float | None = None,
) -> None:
    shop = Shop(urls["gateway"], urls["shell"])
    roots = stack_processes(shop.offset)
    poll, warm_up = page_poll_seconds(), WARM_UP if warm_up is None else warm_up
    print(
        f"load generator: this process (pid {os.getpid()}); the stack's processes: {len(roots)} found by port "
        f"or supervisor, each with its tree; the page looks every {poll:g} s; {warm_up:g} s of warm-up per row",
        flush=True,
    )
    shoppers: list[Shopper] = []
    rows = []
    for n in sweep or ROWS:
        row = run(shop, n, duration, warm_up, roots, shoppers, poll)
        rows.append(row)
        print(f"  measured {n} shoppers: {row.seen.throughput:.1f} orders/s", flush=True)
    print(HEADER)
    for row in rows:
        print(row.line())
        print(row.per_process())
        print(row.per_operation())
    print("targets (issue 26):")
    for row in rows:
        print("\n".join(row.verdicts()))
    print(LEGEND)
