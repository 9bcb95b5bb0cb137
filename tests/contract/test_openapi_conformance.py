"""Schemathesis fuzzes every operation of every service in-process: no 5xx, and every answer is as documented."""

from __future__ import annotations

import importlib

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.hypothesis.builder import HypothesisTestConfig, HypothesisTestMode, create_test
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

SERVICES = ["auth", "products", "orders", "payments", "inventory", "notifications", "users"]
# Bounded so all seven services, as both roles, take about a minute; raise it locally to dig deeper.
MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    unsupported_method,
]


@pytest.fixture(scope="module", params=SERVICES)
def service_schema(request, service_config, upstreams, tmp_path_factory):
    module = importlib.import_module(f"services.{request.param}")
    app = module.create_app(service_config(urls=upstreams, keys_dir=str(tmp_path_factory.mktemp("keys"))))
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


def _fuzz(operation, headers: dict) -> None:
    """Schemathesis' own test for one operation: schema examples, coverage (edge and invalid values), fuzzing."""

    # Built per operation because schemathesis.pytest.from_fixture sets Function._nodeid, which pytest 9 lacks.
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    config = HypothesisTestConfig(
        project=operation.schema.config,
        modes=list(HypothesisTestMode),
        settings=settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        ),
    )
    create_test(operation=operation, test_func=run, config=config)()


@pytest.mark.parametrize("role", ["customer", "admin"])
def test_every_answer_is_one_the_document_promises(service_schema, issuer, role):
    """Valid, edge and invalid requests, as a shopper (403 on admin paths) and as an admin (every path)."""
    headers = issuer.headers(role=role)
    failures = []
    for result in service_schema.get_all_operations():
        operation = result.ok()
        try:
            _fuzz(operation, headers)
        except Exception as e:  # collect them all, so one run shows every mismatch
            failures.append(f"{operation.label}: {e}")
    assert not failures, "\n\n".join(failures)
