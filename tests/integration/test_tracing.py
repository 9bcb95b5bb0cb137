"""One request id follows a request through the gateway, a service, Kafka and a consumer, in the JSON logs."""

from __future__ import annotations

import json
import uuid

import requests

from tests.support.polling import wait_until


def log_lines(stack, name: str, request_id: str) -> list[dict]:
    lines = []
    for raw in (stack.log_dir / f"{name}.log").read_text(errors="replace").splitlines():
        if request_id in raw:
            try:
                lines.append(json.loads(raw))
            except ValueError:
                continue
    return lines


def test_a_sign_up_is_traceable_by_its_request_id_across_processes_and_the_broker(stack, gateway_url):
    rid = uuid.uuid4().hex  # the shape every process mints, from a trusted hop (the test runs on loopback)
    email = f"trace-{uuid.uuid4().hex[:10]}@example.com"
    r = requests.post(
        f"{gateway_url}/api/auth/register",
        json={"email": email, "password": "correct-horse-9", "name": "Trace"},
        headers={"X-Request-ID": rid},
    )
    assert r.status_code == 201 and r.headers["X-Request-ID"] == rid
    assert any(
        line["request_id"] == rid and line["path"] == "/api/auth/register" for line in log_lines(stack, "gateway", rid)
    )
    assert any(
        line["request_id"] == rid and line["service"] == "auth" for line in log_lines(stack, "services.auth", rid)
    )
    # The event carries the id as its correlation_id, so the consumers' log lines carry it too.
    handled = wait_until(
        lambda: [
            line
            for line in log_lines(stack, "services.users", rid)
            if line.get("message") == "event handled" and line.get("topic") == "user.registered"
        ]
    )
    assert handled and handled[0]["service"] == "users"


def test_a_page_request_id_reaches_the_fragment_the_gateway_and_the_service(stack, shell_url):
    browsers = uuid.uuid4().hex
    r = requests.get(f"{shell_url}/products?q=mug", headers={"X-Request-ID": browsers})
    rid = r.headers["X-Request-ID"]
    assert r.status_code == 200 and rid != browsers  # the shell, the edge, mints its own
    for name in ("shell", "fragments.products", "gateway", "services.products"):
        assert wait_until(lambda name=name: log_lines(stack, name, rid), timeout=5), f"{rid} not in {name}'s log"
