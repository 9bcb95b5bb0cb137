"""Operations on the running stack: one trace per checkout across HTTP and Kafka (var/traces, OTLP JSON), and the
shop's metrics on /metrics after a real order."""

from __future__ import annotations

import json
import secrets
import uuid

import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.support.checkout_system import ADDRESS
from tests.support.payflow import CARDS, pay_order
from tests.support.polling import wait_until

SAGA_PROCESSES = {"gateway", "orders", "inventory", "payments"}


def spans_of(stack, trace_id: str) -> list[dict]:
    """Every span of one trace in the stack's trace files, each with the service that exported it."""
    found = []
    for path in (stack.var_dir / "traces").glob("*.jsonl"):
        for line in path.read_text(errors="replace").splitlines():
            if trace_id not in line:
                continue
            for resource in json.loads(line)["resourceSpans"]:
                service = next(
                    a["value"]["stringValue"] for a in resource["resource"]["attributes"] if a["key"] == "service.name"
                )
                for scope in resource["scopeSpans"]:
                    found += [{**s, "service": service} for s in scope["spans"] if s["traceId"] == trace_id]
    return found


def consumed_topics(spans: list[dict]) -> set[str]:
    return {attributes(s)["messaging.destination.name"] for s in spans if s["kind"] == "SPAN_KIND_CONSUMER"}


def whole_trace(stack, trace_id: str, caller: str, wanted: set[str], topics: frozenset[str] = frozenset()) -> list:
    """The trace once each process in `wanted` has exported its part (in batches), a consumer span of each of
    `topics` is among them (each process exports its batches on its own clock), and no span's parent is missing."""

    def whole():
        spans = spans_of(stack, trace_id)
        dangling = {s.get("parentSpanId") for s in spans} - {s["spanId"] for s in spans} - {caller, "", None}
        done = wanted <= {s["service"] for s in spans} and topics <= consumed_topics(spans) and not dangling
        return spans if done else None

    return wait_until(whole, 20, message=f"every span of trace {trace_id}, from {sorted(wanted)}")


def attributes(span: dict) -> dict:
    return {a["key"]: next(iter(a["value"].values())) for a in span.get("attributes", [])}


def place_order(gateway_url: str, headers: dict) -> str:
    r = requests.post(
        f"{gateway_url}/api/auth/register",
        timeout=10,
        json={"name": "Tracy", "email": f"{uuid.uuid4().hex[:12]}@example.com", "password": "secret-pass-1"},
    )
    auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
    products = requests.get(f"{gateway_url}/api/products", params={"per_page": 50}, timeout=10).json()["items"]

    def in_stock():  # a fresh stack seeds its stock from product.changed events, moments after it starts
        stock = requests.get(
            f"{gateway_url}/api/inventory", params={"skus": ",".join(p["sku"] for p in products)}, timeout=10
        ).json()["items"]
        plenty = {s["sku"] for s in stock if s["available"] >= 5}
        return next((p for p in products if p["sku"] in plenty), None)

    product = wait_until(in_stock, 30, message="a product with stock")
    r = requests.post(
        f"{gateway_url}/api/orders",
        timeout=10,
        headers={**auth, **headers, "Idempotency-Key": uuid.uuid4().hex},
        json={"address": ADDRESS, "lines": [{"product_id": product["id"], "quantity": 1}]},
    )
    assert r.status_code == 202, r.text
    order_id = r.json()["id"]
    assert pay_order(gateway_url, auth, order_id).status_code == 303  # on the provider's page
    wait_until(
        lambda: (
            requests.get(f"{gateway_url}/api/orders/{order_id}", headers=auth, timeout=10).json()["status"]
            == "CONFIRMED"
        ),
        30,
        message="the order to be confirmed",
    )
    return order_id


def test_one_checkout_is_one_trace_across_http_and_kafka_with_correct_parent_links(stack, gateway_url):
    trace_id, caller = secrets.token_hex(16), secrets.token_hex(8)
    order_id = place_order(gateway_url, {"traceparent": f"00-{trace_id}-{caller}-01"})
    wanted = SAGA_PROCESSES | {"notifications"}

    saga_topics = frozenset({"order.placed", "stock.reserved", "payment.succeeded", "order.confirmed"})
    spans = whole_trace(stack, trace_id, caller, wanted, saga_topics)
    by_id = {s["spanId"]: s for s in spans}
    roots = [s for s in spans if s.get("parentSpanId", "") not in by_id]
    # Every span hangs off another span of the same trace, except the gateway's, whose parent is our caller.
    assert {(s["service"], s["parentSpanId"]) for s in roots} == {("gateway", caller)}, roots
    consumers = [s for s in spans if s["kind"] == "SPAN_KIND_CONSUMER"]
    assert saga_topics <= consumed_topics(spans)
    for span in consumers:  # each consumer span is a child of the producer span that sent its record
        assert by_id[span["parentSpanId"]]["kind"] == "SPAN_KIND_PRODUCER", span
        assert attributes(span)["fragmart.order_id"] == order_id
    placed = [s for s in spans if attributes(s).get("fragmart.order_id") == order_id and s["service"] == "orders"]
    assert placed
    text = json.dumps(spans)
    assert CARDS["approve"] not in text and "secret-pass-1" not in text and "cvc" not in text


def trace_marked(stack, marker: str) -> str:
    """The id of the trace whose shell span served the request with `marker` in its URL."""

    def find():
        for path in (stack.var_dir / "traces").glob("*.jsonl"):
            for line in path.read_text(errors="replace").splitlines():
                if marker in line:
                    for resource in json.loads(line)["resourceSpans"]:
                        for scope in resource["scopeSpans"]:
                            for span in scope["spans"]:
                                if marker in json.dumps(span.get("attributes", [])):
                                    return span["traceId"]
        return None

    return wait_until(find, 20, message=f"a shell span for the request marked {marker}")


def test_a_page_is_one_trace_through_the_shell_its_fragments_the_gateway_and_a_service(stack, shell_url):
    client_trace, caller, marker = secrets.token_hex(16), secrets.token_hex(8), secrets.token_hex(6)
    # A query of its own: a cached answer would ask no fragment (and leave other tests a warm cache).
    r = requests.get(
        f"{shell_url}/products",
        params={"q": f"mug {marker}"},
        timeout=10,
        headers={"traceparent": f"00-{client_trace}-{caller}-01"},
    )
    assert r.status_code == 200
    trace_id = trace_marked(stack, marker)
    assert trace_id != client_trace  # the edge starts its own trace; a client's traceparent is not continued
    spans = whole_trace(stack, trace_id, "", {"shell", "fragment-products", "gateway", "products"})
    fragment_spans = [attributes(s) for s in spans if s["name"].startswith("fragment ")]
    assert {"fragmart.fragment": "products", "fragmart.slot": "main"}.items() <= next(
        a for a in fragment_spans if a["fragmart.fragment"] == "products"
    ).items()
    assert all("fragmart.cache_rung" in a for a in fragment_spans), fragment_spans


def metric(url: str, name: str, **labels) -> float:
    text = requests.get(f"{url}/metrics", timeout=10).text
    return sum(
        s.value
        for f in text_string_to_metric_families(text)
        for s in f.samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )


def test_a_real_order_moves_the_order_saga_and_consumer_metrics(stack, gateway_url):
    orders, inventory = stack.url("services.orders"), stack.url("services.inventory")
    before = {
        "placed": metric(orders, "orders_placed_total"),
        "saga": metric(orders, "order_confirmation_seconds_count"),
        "handled": metric(inventory, "consumer_events_handled_total", topic="order.placed"),
    }
    place_order(gateway_url, {})
    assert metric(orders, "orders_placed_total") == before["placed"] + 1
    assert metric(orders, "order_confirmation_seconds_count") == before["saga"] + 1
    assert metric(orders, "orders_outcome_total", outcome="confirmed") >= 1
    assert metric(inventory, "consumer_events_handled_total", topic="order.placed") >= before["handled"] + 1
    text = requests.get(f"{inventory}/metrics", timeout=10).text
    assert 'consumer_lag_records{group="inventory",topic="order.placed"}' in text
    assert "outbox_backlog" in text
