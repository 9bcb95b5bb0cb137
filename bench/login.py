"""Sign-in cost: login p50/p95 through the gateway and direct on the auth service, and argon2 cost per hash.

Logins run one at a time (latency, not throughput: argon2 is CPU-bound and the machine has two cores), and
stay below the auth service's per-IP limit (100 logins a minute), so a running stack can be measured as is.
"""

from __future__ import annotations

import time
import uuid

import requests

from services.auth.passwords import PARAMETERS, Passwords

from .load import Result

LOGINS = 40


def _logins(name: str, url: str, body: dict, n: int) -> Result:
    session, latencies, errors = requests.Session(), [], 0
    started = time.perf_counter()
    for _ in range(n):
        t0 = time.perf_counter()
        ok = session.post(url, json=body, timeout=10).status_code == 200
        if ok:
            latencies.append((time.perf_counter() - t0) * 1000)
        errors += not ok
    return Result(name, len(latencies), errors, time.perf_counter() - started, latencies)


def argon2_cost(samples: int = 20) -> tuple[float, float]:
    """Median milliseconds to hash and to verify, with the service's parameters, in this process."""
    passwords = Passwords()
    hashed, hash_ms, verify_ms = None, [], []
    for _ in range(samples):
        t0 = time.perf_counter()
        hashed = passwords.hash("correct horse battery staple")
        hash_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        passwords.verify(hashed, "correct horse battery staple")
        verify_ms.append((time.perf_counter() - t0) * 1000)
    return sorted(hash_ms)[samples // 2], sorted(verify_ms)[samples // 2]


def main(urls: dict, concurrency: int, duration: float) -> None:
    gateway, auth = urls["gateway"], urls["auth"]
    body = {"email": f"bench-{uuid.uuid4().hex}@example.com", "password": "bench-password-1", "name": "Bench"}
    requests.post(f"{gateway}/api/auth/register", json=body, timeout=10).raise_for_status()
    login = {"email": body["email"], "password": body["password"]}
    _logins("warm-up", f"{gateway}/api/auth/login", login, 3)
    for result in (
        _logins("POST /api/auth/login via gateway", f"{gateway}/api/auth/login", login, LOGINS),
        _logins("POST /api/auth/login direct on service", f"{auth}/api/auth/login", login, LOGINS),
    ):
        print(result.line())
    hash_ms, verify_ms = argon2_cost()
    params = ", ".join(f"{k}={v}" for k, v in PARAMETERS.items())
    print(f"argon2id ({params}): {hash_ms:.1f} ms per hash, {verify_ms:.1f} ms per verify (median of 20)")
