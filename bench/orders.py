"""Orders end to end: placed (POST /api/orders through the gateway) to CONFIRMED (the saga over Kafka: inventory
reserves; the shopper pays on the provider's hosted page, the local stand-in, and comes back to the return page,
which asks payments to check with the provider; payments authorizes, orders confirms), at one concurrency or a
sweep of them. The shopper's round trip to the provider is inside the figure, as it is for a real shopper.

Each of `concurrency` shoppers places an order, polls it until it settles, then places the next (closed loop).
The time to CONFIRMED runs from the POST to the CONFIRMED step of the order's own timeline (same machine, same
clock), so it does not depend on how often the shopper looks; the shopper looks after 20 ms, then less often.
Each row also gives the load generator's own CPU, and the stack's CPU per confirmed order, process by process.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from datetime import datetime

import requests

from bench.load import Result
from bench.procs import NOT_OURS, CpuMeter, ours, stack_processes
from common.settings import SHELL_PORT
from devstack.accounts import admin_headers

POLLS = (0.02, 0.02, 0.04, 0.08, 0.16, 0.25)  # pauses between looks at one order; the last one repeats
STOCK = 1_000_000
ADDRESS = {"name": "Bench Shopper", "line1": "1 Load St", "city": "Benchville", "postal_code": "10001", "country": "US"}


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


# A signed-in shopper: its session (with the bearer token) and its browser at the provider's page.
Shopper = tuple[requests.Session, requests.Session]
CARD = {"number": "4242 4242 4242 4242", "exp": "12 / 34", "cvc": "123"}  # typed on the provider's page only


def _shopper(gateway: str) -> Shopper:
    session = requests.Session()
    r = session.post(
        f"{gateway}/api/auth/register",
        timeout=10,
        json={"email": f"bench-{uuid.uuid4().hex}@example.com", "password": "bench-password-1", "name": "Bench"},
    )
    r.raise_for_status()
    session.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return session, requests.Session()


def _pay(gateway: str, session: requests.Session, browser: requests.Session, order_id: str, started: float) -> bool:
    """As the storefront does: once the stock is held, the provider's page; the card typed there; back to the shop's
    return page, which asks payments to check with the provider. False if the order could not be paid."""
    looks = 0
    while time.perf_counter() - started < 30:
        r = session.post(f"{gateway}/api/payments/checkouts", json={"order_id": order_id}, timeout=10)
        if r.status_code == 201:
            paid = browser.post(r.json()["url"], data=CARD, allow_redirects=False, timeout=10)
            session.post(f"{gateway}/api/payments/{order_id}/sync", timeout=10)
            return paid.status_code == 303
        if r.json().get("error") != "PAYMENT_NOT_READY":
            return False
        time.sleep(POLLS[min(looks, len(POLLS) - 1)])
        looks += 1
    return False


def _order_once(gateway: str, session: requests.Session, browser: requests.Session, product_id: str):
    """(confirmed?, milliseconds from the POST to the order's CONFIRMED step)."""
    body = {"address": ADDRESS, "lines": [{"product_id": product_id, "quantity": 1}]}
    started, wall = time.perf_counter(), time.time()
    try:
        r = session.post(f"{gateway}/api/orders", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}, timeout=10)
        if r.status_code != 202 or not _pay(gateway, session, browser, r.json()["id"], started):
            return False, 0.0
        url, looks = f"{gateway}/api/orders/{r.json()['id']}", 0
        while time.perf_counter() - started < 30:
            order = session.get(url, timeout=10).json()
            if order.get("status") in ("CONFIRMED", "REJECTED", "CANCELLED"):
                if order["status"] != "CONFIRMED":
                    return False, 0.0
                at = next(t["at"] for t in order["timeline"] if t["status"] == "CONFIRMED")
                return True, (datetime.fromisoformat(at).timestamp() - wall) * 1000
            time.sleep(POLLS[min(looks, len(POLLS) - 1)])
            looks += 1
    except requests.RequestException:
        pass
    return False, 0.0


class Row:
    """One concurrency's figures: the load result, the bench's own CPU, the stack's CPU by process, oversold."""

    def __init__(self, concurrency: int, result: Result, bench_cpu: float, used: dict[str, float], oversold: int):
        self.concurrency, self.result, self.bench_cpu, self.used = concurrency, result, bench_cpu, used
        self.oversold = oversold

    def line(self) -> str:
        r = self.result
        n = max(r.requests, 1)
        return (
            f"{self.concurrency:>5} {r.throughput:9.1f} {r.percentile(50):8.0f} "
            f"{r.percentile(95):8.0f} {r.percentile(99):8.0f} {r.errors:6d} {self.oversold:8d} "
            f"{self.bench_cpu / r.seconds * 100:7.0f}% {self.bench_cpu * 1000 / n:9.1f} "
            f"{ours(self.used) * 1000 / n:9.1f}"
        )

    def per_process(self) -> str:
        n = max(self.result.requests, 1)
        ranked = sorted(self.used.items(), key=lambda kv: -kv[1])
        mine = [f"{name} {v * 1000 / n:.1f}" for name, v in ranked if name not in NOT_OURS and v * 1000 / n >= 0.05]
        infra = [f"{name} {self.used[name] * 1000 / n:.1f}" for name in NOT_OURS if name in self.used]
        return f"      CPU ms per order: {', '.join(mine)} | not ours: {', '.join(infra)}"


HEADER = (
    f"{'shop.':>5} {'orders/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6} {'oversold':>8} "
    f"{'bench':>8} {'bench ms':>9} {'stack ms':>9}"
)
LEGEND = (
    "shop.: shoppers at once; p50/p95/p99: POST to CONFIRMED; bench: the load generator's own CPU (share of "
    "one core) and per order; stack ms: CPU of Fragmart's processes per confirmed order (broker and redis "
    "apart); oversold: confirmed orders the shelf did not pay for"
)


def run(
    gateway: str, concurrency: int, duration: float, processes: dict[str, set[int]], shoppers: list[Shopper]
) -> Row:
    product_id, sku = _product(gateway)
    # Shoppers carry over from row to row: the auth service lets one address sign up 200 accounts in 10 minutes.
    shoppers += [_shopper(gateway) for _ in range(concurrency - len(shoppers))]
    shoppers = shoppers[:concurrency]
    _order_once(gateway, *shoppers[0], product_id)  # warm-up: connections, caches, consumer fetch loops
    latencies, errors, lock = [], [0], threading.Lock()

    def shop(session, browser):
        while time.perf_counter() < deadline:
            ok, ms = _order_once(gateway, session, browser, product_id)
            with lock:
                if ok:
                    latencies.append(ms)
                else:
                    errors[0] += 1

    meter, bench_cpu = CpuMeter(processes).start(), time.process_time()
    started = time.perf_counter()
    deadline = started + duration
    threads = [threading.Thread(target=shop, args=s) for s in shoppers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds, used, bench_cpu = time.perf_counter() - started, meter.stop(), time.process_time() - bench_cpu
    shelf = requests.get(f"{gateway}/api/inventory/{sku}", timeout=5).json()
    confirmed = len(latencies) + 1  # the warm-up order too
    oversold = max(0, confirmed - (STOCK - shelf["available"]), -shelf["available"], -shelf["reserved"])
    result = Result(f"placed -> CONFIRMED, {concurrency} shoppers", len(latencies), errors[0], seconds, latencies)
    return Row(concurrency, result, bench_cpu, used, oversold)


def main(urls: dict, concurrency: int, duration: float, sweep: list[int] | None = None) -> None:
    offset = int(urls["shell"].rsplit(":", 1)[1]) - SHELL_PORT
    processes = stack_processes(offset)
    print(f"load generator: this process (pid {os.getpid()}); stack processes found: {len(processes)}")
    print(HEADER)
    shoppers: list[Shopper] = []
    for n in sweep or [concurrency]:
        row = run(urls["gateway"], n, max(duration, 10.0), processes, shoppers)
        print(row.line())
        print(row.per_process(), flush=True)
    print(LEGEND)
