"""Orders end to end: placed (POST /api/orders through the gateway) to CONFIRMED (the saga over Kafka:
inventory reserves, payments charges, orders confirms), at a stated concurrency.

Each of `concurrency` shoppers places an order, polls it until it settles, then places the next (closed loop).
Reported: orders confirmed per second, and p50/p95/p99 of the time from the POST to seeing CONFIRMED.
Polling every 20 ms adds up to that much to each time.
"""
from __future__ import annotations

import threading
import time
import uuid

import requests

from bench.load import Result
from devstack.accounts import admin_headers

POLL_SECONDS = 0.02
ADDRESS = {"name": "Bench Shopper", "line1": "1 Load St", "city": "Benchville", "postal_code": "10001",
           "country": "US"}


def _product(gateway: str) -> str:
    """A product of the bench's own with plenty of stock, so no order is rejected for want of it."""
    body = {"name": f"Bench item {uuid.uuid4().hex[:8]}", "price": 1500, "category": "bench",
            "sku": f"BENCH-{uuid.uuid4().hex[:12]}", "initial_stock": 1_000_000}
    r = requests.post(f"{gateway}/api/products", json=body, headers=admin_headers(gateway), timeout=10)
    r.raise_for_status()
    product = r.json()
    deadline = time.monotonic() + 30
    while requests.get(f"{gateway}/api/inventory/{product['sku']}", timeout=5).status_code != 200:
        if time.monotonic() > deadline:
            raise RuntimeError("inventory never created the bench product's stock")
        time.sleep(0.1)
    return product["id"]


def _shopper(gateway: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    r = session.post(f"{gateway}/api/auth/register", timeout=10, json={
        "email": f"bench-{uuid.uuid4().hex}@example.com", "password": "bench-password-1", "name": "Bench"})
    r.raise_for_status()
    session.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    card = {"card_number": "4242424242424242", "exp_month": 12, "exp_year": 2099, "cvc": "123"}
    token = session.post(f"{gateway}/api/payments/methods", json=card, timeout=10).json()["token"]
    return session, token


def _order_once(gateway: str, session: requests.Session, token: str, product_id: str) -> tuple[bool, float]:
    """(confirmed?, milliseconds from the POST to seeing the order settled)."""
    body = {"address": ADDRESS, "payment_token": token, "lines": [{"product_id": product_id, "quantity": 1}]}
    started = time.perf_counter()
    r = session.post(f"{gateway}/api/orders", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}, timeout=10)
    if r.status_code != 202:
        return False, 0.0
    url = f"{gateway}/api/orders/{r.json()['id']}"
    while time.perf_counter() - started < 30:
        status = session.get(url, timeout=10).json().get("status")
        if status in ("CONFIRMED", "REJECTED", "CANCELLED"):
            return status == "CONFIRMED", (time.perf_counter() - started) * 1000
        time.sleep(POLL_SECONDS)
    return False, 0.0


def run(gateway: str, concurrency: int, duration: float) -> Result:
    product_id = _product(gateway)
    shoppers = [_shopper(gateway) for _ in range(concurrency)]
    _order_once(gateway, *shoppers[0], product_id)  # warm-up: connections, caches, consumer fetch loops
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.perf_counter() + duration

    def shop(session, token):
        while time.perf_counter() < deadline:
            ok, ms = _order_once(gateway, session, token, product_id)
            with lock:
                if ok:
                    latencies.append(ms)
                else:
                    errors[0] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=shop, args=s) for s in shoppers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Result(f"placed -> CONFIRMED, {concurrency} shoppers", len(latencies), errors[0],
                  time.perf_counter() - started, latencies)


def main(urls: dict, concurrency: int, duration: float) -> None:
    result = run(urls["gateway"], concurrency, max(duration, 10.0))
    print(result.line().replace("req/s", "orders/s"))
