"""What /openapi.json promises: query and header parameters, bearer security, answer schemas and statuses."""

from __future__ import annotations

import importlib

import pytest

from common.settings import SERVICE_PORTS

SERVICES = list(SERVICE_PORTS)


@pytest.fixture(scope="module")
def apps(service_config, tmp_path_factory):
    return {
        name: importlib.import_module(f"services.{name}").create_app(
            service_config(keys_dir=str(tmp_path_factory.mktemp("keys")))
        )
        for name in SERVICES
    }


@pytest.fixture(scope="module")
def docs(apps):
    return {name: app.test_client().get("/openapi.json").json for name, app in apps.items()}


def operations(docs):
    for name, doc in docs.items():
        for path, ops in doc["paths"].items():
            for method, op in ops.items():
                yield name, f"{method.upper()} {path}", op


def params(op, where):
    return {p["name"]: p for p in op["parameters"] if p["in"] == where}


def test_every_document_names_the_bearer_scheme_its_protected_operations_use(docs):
    for doc in docs.values():
        assert doc["components"]["securitySchemes"]["bearerAuth"] == {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
        }
    security = {label: op.get("security") for _, label, op in operations(docs)}
    assert security["GET /api/users/me"] == [{"bearerAuth": []}]
    assert security["POST /api/products"] == [{"bearerAuth": []}]
    assert security["GET /api/cart"] == [{}, {"bearerAuth": []}]  # a guest or a signed-in shopper
    assert not security["GET /api/products"]


def test_placing_an_order_requires_an_idempotency_key_header_and_answers_202(docs):
    op = docs["orders"]["paths"]["/api/orders"]["post"]
    key = params(op, "header")["Idempotency-Key"]
    assert key["required"] and key["schema"]["pattern"]
    assert set(op["responses"]["202"]["headers"]) == {"Location", "Idempotent-Replayed"}


def test_cart_operations_take_an_x_cart_id_header(docs):
    for path, ops in docs["orders"]["paths"].items():
        if path.startswith("/api/cart"):
            for op in ops.values():
                assert "X-Cart-Id" in params(op, "header")
    added = docs["orders"]["paths"]["/api/cart/items"]["post"]["responses"]["200"]
    assert "X-Cart-Id" in added["headers"]  # a guest's new cart id


def test_queries_are_listed_as_parameters(docs):
    listed = params(docs["products"]["paths"]["/api/products"]["get"], "query")
    assert {"q", "category", "min_price", "max_price", "sort", "page", "per_page"} <= set(listed)
    assert listed["sort"]["schema"]["enum"] == ["relevance", "price", "-price", "name", "-created"]
    assert set(params(docs["inventory"]["paths"]["/api/inventory"]["get"], "query")) == {"skus"}


def test_creations_answer_201_and_deletions_204(docs):
    statuses = {label: set(op["responses"]) for _, label, op in operations(docs)}
    for label in (
        "POST /api/auth/register",
        "POST /api/products",
        "POST /api/payments/checkouts",
        "POST /api/payments/{order_id}/refunds",
        "POST /api/users/me/addresses",
    ):
        assert "201" in statuses[label] and "200" not in statuses[label], label
    for label in (
        "POST /api/auth/logout",
        "DELETE /api/products/{product_id}",
        "DELETE /api/users/me/addresses/{address_id}",
    ):
        assert "204" in statuses[label], label


def test_every_answer_but_204_has_a_json_schema(docs):
    found = list(operations(docs))
    assert found, "no operation in any /openapi.json: the loop below would check nothing"
    for name, label, op in found:
        for status, answer in op["responses"].items():
            if status != "204":
                ref = answer["content"]["application/json"]["schema"]["$ref"]
                assert ref.rsplit("/", 1)[1] in docs[name]["components"]["schemas"], (label, status)


def test_a_method_a_path_does_not_take_answers_405_with_allow(apps):
    r = apps["products"].test_client().put("/api/products")
    assert r.status_code == 405 and r.json["error"] == "METHOD_NOT_ALLOWED"
    assert {"GET", "POST"} <= {m.strip() for m in r.headers["Allow"].split(",")}
    assert r.content_type == "application/json"
