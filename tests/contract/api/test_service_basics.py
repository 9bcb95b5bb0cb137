"""Every service answers /healthz, /readyz, /metrics and /openapi.json."""

from __future__ import annotations

import importlib

import pytest

from common.settings import SERVICE_PORTS

SERVICES = list(SERVICE_PORTS)


@pytest.fixture(scope="module", params=SERVICES)
def client(request, redis_url, tmp_path_factory):
    module = importlib.import_module(f"services.{request.param}")
    keys = tmp_path_factory.mktemp("keys")
    app = module.create_app({"redis_url": redis_url, "run_workers": False, "keys_dir": str(keys)})
    return app.test_client()


def test_the_service_is_alive(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json["status"] == "ok"


def test_readiness_reports_each_dependency(client):
    r = client.get("/readyz")
    assert r.json["checks"]["redis"] == "ok"
    assert r.json["checks"]["mongo"] == "ok"
    assert r.status_code in (200, 503)  # the broker is not running in contract tests


def test_metrics_are_prometheus_text(client):
    client.get("/healthz")
    r = client.get("/metrics")
    assert r.status_code == 200 and r.mimetype == "text/plain"
    assert "http_requests_total" in r.get_data(as_text=True)


def test_the_openapi_document_lists_the_public_paths(client):
    doc = client.get("/openapi.json").json
    assert doc["openapi"].startswith("3.")
    assert all(p.startswith("/api/") for p in doc["paths"])
