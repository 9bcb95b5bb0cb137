"""Random JSON, bytes, path segments and query strings at every endpoint of every service: never a 5xx."""

from __future__ import annotations

import importlib
import json
import os
import re
import uuid
from collections.abc import Iterator
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gateway
from common.settings import SERVICE_PORTS
from services.inventory.deps import deps as inventory_deps
from services.products.seed import seed_documents, seed_stock
from tests.support.checkout_apps import serve_shop
from tests.support.servers import serving

SERVICES = list(SERVICE_PORTS)
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
INTERNAL = {"/healthz", "/readyz", "/metrics", "/openapi.json"}
# Names our bodies and queries use, so random values reach the validators and the code behind them.
KNOWN = [
    "email",
    "password",
    "name",
    "refresh_token",
    "product_id",
    "quantity",
    "price",
    "currency",
    "sku",
    "category",
    "description",
    "featured",
    "image",
    "amount",
    "line1",
    "line2",
    "city",
    "postal_code",
    "country",
    "phone",
    "address",
    "address_id",
    "q",
    "sort",
    "page",
    "per_page",
    "min_price",
    "max_price",
    "skus",
    "order_id",
    "role",
    "status",
]
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

SEEDED = list(seed_documents())
ADDRESS = {"name": "Ada", "line1": "1 Main St", "city": "Springfield", "postal_code": "12345", "country": "US"}
# A valid body per endpoint: the fuzzer changes one field of it, so random values get past the other validators.
VALID = {
    "/api/auth/register": {"email": "fuzz@example.com", "password": "secret-pass-1", "name": "Fuzz"},
    "/api/auth/login": {"email": "fuzz@example.com", "password": "secret-pass-1"},
    "/api/auth/refresh": {"refresh_token": "x" * 40},
    "/api/auth/logout": {"refresh_token": "x" * 40},
    "/api/cart/items": {"product_id": SEEDED[0][0]["_id"], "quantity": 1},
    "/api/cart/items/<product_id>": {"quantity": 1},
    "/api/orders": {"address": ADDRESS, "phone": "+1 555 0100"},
    "/api/inventory/<sku>": {"quantity": 5},
    "/api/products": {"name": "Fuzz", "price": 100, "category": "kitchen", "sku": "FUZZ-1", "initial_stock": 1},
    "/api/products/<product_id>": {"price": 100},
    "/api/payments/checkouts": {"order_id": "a" * 32},
    "/api/payments/<order_id>/refunds": {"amount": 500},
    "/api/users/me": {"name": "Ada", "phone": "+14155552671"},
    "/api/users/me/addresses": ADDRESS,
}
# Values that have broken services elsewhere: lone surrogates, NUL, 64-bit edges, inf, regex and operator syntax.
NASTY_VALUES = [
    "\ud800",
    "a\x00b",
    "\u202e",
    2**63,
    -(2**63) - 1,
    2**64,
    1e308,
    float("inf"),
    -0.0,
    "(",
    "[a-",
    ".*",
    "\\",
    "$where",
    {"$gt": ""},
    [],
    {},
    "",
    " ",
    "0",
    "-1",
    "x" * 300,
]

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=40)
    | st.sampled_from(NASTY_VALUES)
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
objects = st.dictionaries(st.sampled_from(KNOWN) | st.text(max_size=10), json_values, max_size=6)
bodies = (
    objects.map(lambda o: (json.dumps(o).encode(), "application/json"))
    | json_values.map(lambda v: (json.dumps(v).encode(), "application/json"))
    | st.tuples(
        st.binary(max_size=300),
        st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"]),
    )
    | st.integers(min_value=1, max_value=20_000).map(lambda n: (b"[" * n, "application/json"))
    | st.just((b"", None))
)
queries = st.dictionaries(st.sampled_from(KNOWN) | st.text(max_size=8), st.text(max_size=30), max_size=5).map(
    urlencode
) | st.binary(max_size=80).map(lambda raw: quote_from_bytes(raw, safe="=&%+"))
# Path segments, already quoted: text, raw bytes (invalid UTF-8 included), and real ids and SKUs.
segments = (
    st.text(min_size=1, max_size=40).map(lambda t: quote(t, safe=""))
    | st.binary(min_size=1, max_size=20).map(lambda b: quote_from_bytes(b, safe=""))
    | st.sampled_from(
        ["0", "-1", "x" * 300, ".", "..", uuid.uuid4().hex[:24]]
        + [d["_id"] for d, _ in SEEDED]
        + [sku for _, stock in SEEDED for sku in stock]
    )
)
roles = st.sampled_from([None, "customer", "admin"])
keys = st.none() | st.text(max_size=120) | st.just(uuid.uuid4().hex)


def mutated(rule: str):
    """The endpoint's valid body with one field set to a random value, dropped, or joined by an unknown one."""
    valid = VALID.get(rule)
    if valid is None:
        return bodies
    one_changed = st.tuples(st.sampled_from(sorted(valid)), json_values).map(lambda kv: {**valid, kv[0]: kv[1]})
    one_dropped = st.sampled_from(sorted(valid)).map(lambda k: {f: v for f, v in valid.items() if f != k})
    return (one_changed | one_dropped | st.just(valid)).map(lambda o: (json.dumps(o).encode(), "application/json"))


def endpoints(app) -> list[tuple[str, str]]:
    return sorted(
        (m, rule.rule) for rule in app.url_map.iter_rules() if rule.rule not in INTERNAL for m in rule.methods & METHODS
    )


def fill(rule: str, values: list[str]) -> str:
    """The rule's <args> replaced by the (quoted) values."""
    parts = iter(values)
    return re.sub(r"<[^>]+>", lambda _: next(parts), rule)


@pytest.fixture(scope="module")
def apps(service_config, tmp_path_factory) -> Iterator[dict]:
    """Every service in-process; products and inventory also served, since orders calls them for prices and stock."""
    config = service_config(keys_dir=str(tmp_path_factory.mktemp("keys")))
    found = {name: importlib.import_module(f"services.{name}").create_app(config) for name in SERVICES}
    for sku, product_id, units in seed_stock():
        inventory_deps(found["inventory"]).stock.ensure(sku, product_id, units)
    with serving(found["products"]) as products, serving(found["inventory"]) as inventory:
        orders_config = service_config(urls={"products": products, "inventory": inventory})
        found["orders"] = importlib.import_module("services.orders").create_app(orders_config)
        yield found


@pytest.mark.parametrize("name", SERVICES)
def test_random_requests_to_every_endpoint_never_get_a_5xx(name, apps, issuer):
    app = apps[name]
    client = app.test_client()
    tokens = {role: issuer.token(role=role) for role in ("customer", "admin")}

    @FUZZ
    @given(
        endpoint=st.sampled_from(endpoints(app)),
        args=st.lists(segments, min_size=3, max_size=3),
        query=queries,
        data=st.data(),
        role=roles,
        idempotency_key=keys,
        cart_id=keys,
    )
    def check(endpoint, args, query, data, role, idempotency_key, cart_id):
        method, rule = endpoint
        body = data.draw(mutated(rule) | bodies if method in {"POST", "PUT", "PATCH"} else bodies, label="body")
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
        for header, value in (("Idempotency-Key", idempotency_key), ("X-Cart-Id", cart_id)):
            if value is not None and value.isprintable() and value.isascii():
                headers[header] = value
        payload, content_type = body
        r = client.open(
            fill(rule, args),
            method=method,
            query_string=query,
            data=payload,
            content_type=content_type,
            headers=headers,
        )
        assert r.status_code < 500, f"{method} {rule}: {r.status_code} {r.get_data()[:300]!r}"

    check()


@pytest.fixture(scope="module")
def upstreams(redis_url, tmp_path_factory, service_config) -> Iterator[dict]:
    """URLs of every service, served for real (workers off)."""
    with (
        serve_shop(redis_url, str(tmp_path_factory.mktemp("keys"))) as shop,
        serving(importlib.import_module("services.notifications").create_app(service_config())) as notifications,
    ):
        yield {**shop.urls, "notifications": notifications}


def test_random_requests_through_the_gateway_never_get_a_5xx(upstreams, redis_url, issuer):
    """The gateway before the real services: random prefixes, paths, tokens, forwarded addresses and bodies."""
    client = gateway.create_app(
        {"redis_url": redis_url, "service_urls": upstreams, "rate_limit_writes": "100000/minute"}
    ).test_client()
    prefixes = st.sampled_from(
        ["auth", "users", "products", "categories", "inventory", "cart", "orders", "payments", "notifications"]
    ) | st.text(max_size=10).map(lambda t: quote(t, safe=""))
    tokens = st.none() | st.text(max_size=60) | st.just(issuer.token()) | st.sampled_from(["", "a.b.c", "e30.e30."])
    rests = st.lists(segments | st.sampled_from(VALID_PARTS), max_size=3).map("/".join)

    @FUZZ
    @given(
        method=st.sampled_from(sorted(METHODS)),
        prefix=prefixes,
        rest=rests,
        query=queries,
        body=bodies,
        token=tokens,
        forwarded=st.none() | st.text(max_size=40),
    )
    def check(method, prefix, rest, query, body, token, forwarded):
        headers = {}
        for header, value in (("Authorization", token and f"Bearer {token}"), ("X-Forwarded-For", forwarded)):
            if value and value.isprintable() and value.isascii():
                headers[header] = value
        payload, content_type = body
        r = client.open(
            f"/api/{prefix}/{rest}".rstrip("/"),
            method=method,
            query_string=query,
            data=payload,
            content_type=content_type,
            headers=headers,
        )
        assert r.status_code < 500, f"{method} /api/{prefix}/{rest}: {r.status_code} {r.get_data()[:300]!r}"

    check()


VALID_PARTS = [
    "login",
    "register",
    "refresh",
    "logout",
    "jwks",
    "me",
    "addresses",
    "items",
    "merge",
    "methods",
    "summary",
    "cancel",
]
