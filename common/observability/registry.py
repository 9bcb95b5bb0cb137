"""Request ids, /healthz, /readyz and Prometheus /metrics for every process."""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Callable

from flask import Flask, Response, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from ..settings import Settings
from .logs import REQUEST_ID_HEADER, is_minted_id, new_id, request_id_var
from .metrics import BreakerCollector

log = logging.getLogger("http")
# What every process serves for probes and scrapes: not logged, traced or redirected, never shown through the shell.
INTERNAL_PATHS = ("/healthz", "/readyz", "/metrics")


def _forget_request_id(_error: BaseException | None) -> None:
    request_id_var.set(None)


class Observability:
    """Per-app metrics registry plus the readiness checks that /readyz runs."""

    def __init__(self, app: Flask, service: str, settings: Settings):
        self.service = service
        # The edge (the shell) always mints its own id; any other process believes one only from its callers.
        self.id_sources = (
            []
            if settings.extra.get("EDGE")
            else [ipaddress.ip_network(n, strict=False) for n in settings.trusted_forwarders]
        )
        self.registry = CollectorRegistry()
        self.checks: dict[str, Callable[[], object]] = {}
        self._labelled: dict = {}
        self._children: dict[tuple, tuple] = {}  # (method, endpoint, status) -> its two metric children
        self.requests = Counter(
            "http_requests_total", "HTTP requests", ["method", "endpoint", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "http_request_duration_seconds", "HTTP request latency", ["endpoint"], registry=self.registry
        )
        self.registry.register(BreakerCollector())
        app.before_request(self._before)
        app.after_request(self._after)
        app.teardown_request(_forget_request_id)
        app.add_url_rule("/healthz", "healthz", self.healthz)
        app.add_url_rule("/readyz", "readyz", self.readyz)
        app.add_url_rule("/metrics", "metrics", self.metrics)

    def counter(self, name: str, doc: str, labels=()) -> Counter:
        # One family per name: a second consumer group in the process shares it under its own "group" label.
        if name not in self._labelled:
            self._labelled[name] = Counter(name, doc, list(labels), registry=self.registry)
        return self._labelled[name]

    def labelled_gauge(self, name: str, doc: str, labels=()) -> Gauge:
        if name not in self._labelled:
            self._labelled[name] = Gauge(name, doc, list(labels), registry=self.registry)
        return self._labelled[name]

    def histogram(self, name: str, doc: str, labels=(), buckets=Histogram.DEFAULT_BUCKETS) -> Histogram:
        return Histogram(name, doc, list(labels), registry=self.registry, buckets=buckets)

    def gauge(self, name: str, doc: str, read: Callable[[], float]) -> Gauge:
        """A gauge whose value `read` computes at scrape time."""
        gauge = Gauge(name, doc, registry=self.registry)
        gauge.set_function(read)
        return gauge

    def add_check(self, name: str, check: Callable[[], object]) -> None:
        self.checks[name] = check

    def _trusted_hop(self) -> bool:
        try:
            address = ipaddress.ip_address(request.remote_addr or "")
        except ValueError:
            return False
        return any(address in net for net in self.id_sources)

    def _before(self):
        rid = request.headers.get(REQUEST_ID_HEADER)
        g.request_id = rid if is_minted_id(rid) and self._trusted_hop() else new_id()
        g.started = time.perf_counter()
        request_id_var.set(g.request_id)

    def _children_for(self, method: str, endpoint: str, status: int) -> tuple:
        """The request's counter and histogram children, looked up once per label set (labels() takes a lock and
        builds a key each call); this holds no label set the metrics do not already keep."""
        key = (method, endpoint, status)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (
                self.requests.labels(method, endpoint, status),
                self.latency.labels(endpoint),
            )
        return children

    def _after(self, resp: Response):
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        counted, timed = self._children_for(request.method, endpoint, resp.status_code)
        counted.inc()
        timed.observe(elapsed)
        resp.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
        if request.path not in INTERNAL_PATHS:
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": resp.status_code,
                    "ms": round(elapsed * 1000, 1),
                },
            )
        return resp

    def healthz(self):
        return jsonify(status="ok", service=self.service)

    def readyz(self):
        results, ok = {}, True
        for name, check in self.checks.items():
            try:
                check()
                results[name] = "ok"
            except Exception as e:  # a failing dependency is reported, not raised
                results[name] = f"error: {type(e).__name__}"
                ok = False
        return jsonify(status="ok" if ok else "unavailable", service=self.service, checks=results), (200 if ok else 503)

    def metrics(self):
        return Response(generate_latest(self.registry), mimetype=CONTENT_TYPE_LATEST)
