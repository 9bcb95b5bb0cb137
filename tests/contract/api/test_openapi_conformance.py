"""Schemathesis runs every check it has on every operation of every service, in-process and through the gateway:
valid requests are accepted, invalid ones refused, and every answer (status, headers, body, Allow) is as documented.

The stateful checks (`use_after_free`, `ensure_resource_availability`) need the stateful phase, which this test does
not run: with single requests they find nothing, so they stay on only so that a stateful run can reuse the list."""

from __future__ import annotations

import contextlib
import importlib

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import CHECKS as REGISTRY
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.hypothesis.builder import HypothesisTestConfig, HypothesisTestMode, create_test
from schemathesis.specs.openapi.checks import positive_data_acceptance

import gateway
from common.settings import SERVICE_PORTS
from tests.support.servers import serving

SERVICES = list(SERVICE_PORTS)
# Through the gateway, every service but auth: the gateway checks tokens against auth's JWKS, which in these tests is
# the test issuer's (tests/support/tokens.py), so a real auth service behind it could not be reached as a signed-in
# caller.
GATEWAY_SERVICES = [s for s in SERVICES if s != "auth"]
# Bounded so the whole file takes about two minutes on two cores; raise them locally to dig deeper.
MAX_EXAMPLES = 25
GATEWAY_EXAMPLES = 10  # the gateway adds routing and headers, not validation: fewer examples find what it adds

# Rules a JSON Schema cannot state, documented in each field's description: a schema-valid request may be refused
# with 422 for exactly these (operation, field or, for a whole-body rule, error code), and for nothing else.
SEMANTIC_422 = {
    ("PATCH /api/users/me", "phone"): "a number libphonenumber knows for its country",
    ("POST /api/webhooks", "url"): "a host that resolves to a public address",
    ("PUT /api/products/{product_id}/image", "IMAGE_TYPE"): "bytes that decode as a PNG, JPEG or WebP image",
    (
        "PUT /api/products/{product_id}/images/{position}",
        "IMAGE_TYPE",
    ): "bytes that decode as a PNG, JPEG or WebP image",
    ("GET /api/products", "body"): "max_price at least min_price (the query's one rule of the whole)",
    ("POST /api/promotions", "ends_at"): "the end after the start",
    ("POST /api/products", "options"): "each option named once, its values each listed once",
    ("POST /api/products", "variants"): "one variant per combination of the options' values, SKUs unique",
    ("PATCH /api/products/{product_id}", "options"): "each option named once, its values each listed once",
    ("PATCH /api/products/{product_id}", "variants"): "one variant per combination of the options' values, SKUs unique",
    ("PUT /api/promotions/{code}", "ends_at"): "the end after the start",
}


def _refused(response) -> set[str]:
    """The fields a refusal names, else its error code."""
    try:
        body = response.json()
    except ValueError:
        return set()
    if not isinstance(body, dict):
        return set()
    fields = (body.get("details") or {}).get("fields") or {}
    return set(fields) or {body.get("error")}


@schemathesis.check
def positive_data_acceptance_but_documented_rules(ctx, response, case):
    """positive_data_acceptance, except a 422 that names only fields whose rule SEMANTIC_422 lists."""
    if response.status_code == 422:
        named = _refused(response)
        if all((case.operation.label, n) in SEMANTIC_422 for n in named):
            return None
    return positive_data_acceptance(ctx, response, case)


CHECKS = [
    positive_data_acceptance_but_documented_rules if check is positive_data_acceptance else check
    for check in REGISTRY.get_all()
]


def _negates_auth(case) -> bool:
    """Whether the case is a request without its credentials on purpose (then the caller must not add them back)."""
    data = case.meta.phase.data if case.meta else None
    targets = [(getattr(data, "parameter_location", None), getattr(data, "parameter", None))]
    targets += [(m.parameter_location, m.parameter) for m in getattr(data, "mutations", ())]
    return any(where == ParameterLocation.HEADER and (name or "").lower() == "authorization" for where, name in targets)


def _fuzz(operation, headers: dict, examples: int) -> None:
    """Schemathesis' own test for one operation: schema examples, coverage (edge and invalid values), fuzzing."""

    # Built per operation because schemathesis.pytest.from_fixture sets Function._nodeid, which pytest 9 lacks.
    def run(case):
        case.call_and_validate(headers={} if _negates_auth(case) else headers, checks=CHECKS)

    config = HypothesisTestConfig(
        project=operation.schema.config,
        modes=list(HypothesisTestMode),
        settings=settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        ),
    )
    create_test(operation=operation, test_func=run, config=config)()


def _every_operation(schema, headers: dict, examples: int = MAX_EXAMPLES) -> list[str]:
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            _fuzz(operation, headers, examples)
        except BaseException as e:  # schemathesis' FailureGroup is a BaseExceptionGroup; one run shows every mismatch
            if isinstance(e, KeyboardInterrupt):
                raise
            failures.append(f"{operation.label}: {e}")
    return failures


def _service(name: str, service_config, upstreams, tmp_path_factory):
    module = importlib.import_module(f"services.{name}")
    return module.create_app(service_config(urls=upstreams, keys_dir=str(tmp_path_factory.mktemp("keys"))))


@pytest.fixture(scope="module", params=SERVICES)
def service_schema(request, service_config, upstreams, tmp_path_factory):
    app = _service(request.param, service_config, upstreams, tmp_path_factory)
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


@pytest.fixture(scope="module", params=GATEWAY_SERVICES)
def gateway_schema(request, service_config, upstreams, tmp_path_factory, redis_url, issuer):
    """The service's own document, sent to a gateway in front of it."""
    app = _service(request.param, service_config, upstreams, tmp_path_factory)
    document = app.test_client().get("/openapi.json").json
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(serving(app))
        urls = {"products": upstreams["products"], "inventory": upstreams["inventory"], request.param: url}
        edge = gateway.create_app(
            {"redis_url": redis_url, "service_urls": issuer.service_urls(**urls), "rate_limit_writes": "100000/minute"}
        )
        schema = schemathesis.openapi.from_dict(document)
        schema.app = edge  # as from_wsgi does: the gateway serves no document of its own
        yield schema


@pytest.mark.parametrize("role", ["customer", "admin"])
def test_every_answer_is_one_the_document_promises(service_schema, issuer, role):
    """Valid, edge and invalid requests, as a shopper (403 on admin paths) and as an admin (every path)."""
    failures = _every_operation(service_schema, issuer.headers(role=role))
    assert not failures, "\n\n".join(failures)


def test_through_the_gateway_every_answer_is_still_the_services_documented_one(gateway_schema, issuer):
    """The gateway adds no status, header or method that the service's document does not state (as an admin, who
    reaches every path; a shopper's 403s are the service's own, which the gateway passes on)."""
    failures = _every_operation(gateway_schema, issuer.headers(role="admin"), GATEWAY_EXAMPLES)
    assert not failures, "\n\n".join(failures)
