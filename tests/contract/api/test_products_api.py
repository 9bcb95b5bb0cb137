"""The catalog API: every query parameter, bad values of each, and validated admin writes."""

from __future__ import annotations

import uuid

import pytest

import services.products
from services.products.seed import CATALOG

SEEDED = len(CATALOG)


@pytest.fixture(scope="module")
def app(service_config):
    return services.products.create_app(service_config())


def search(client, **params):
    r = client.get("/api/products", query_string=params)
    assert r.status_code == 200, r.json
    return r.json


def names(page):
    return [p["name"] for p in page["items"]]


def new_product(**fields):
    tag = uuid.uuid4().hex[:10]
    return {
        "name": f"Test product {tag}",
        "description": "A product made by a test.",
        "price": 1234,
        "category": "testing",
        "sku": f"T-{uuid.uuid4().hex}",
        **fields,
    }


def test_the_default_listing_is_the_first_twelve_products_by_name(client):
    page = search(client)
    assert page["page"] == 1 and page["per_page"] == 12 and len(page["items"]) == 12
    assert page["total"] >= SEEDED and page["pages"] == -(-page["total"] // 12)
    assert names(page) == sorted(names(page))
    assert {"id", "sku", "name", "price", "currency", "category", "image"} <= set(page["items"][0])
    assert "_outbox" not in page["items"][0] and "deleted" not in page["items"][0]


@pytest.mark.parametrize(
    "q, expected",
    [
        ("linen", "Classic Linen Shirt"),
        ("LINEN", "Classic Linen Shirt"),
        ("lay-flat", "Hardcover Notebook"),  # in the description only
        ('10"', 'Cast Iron Skillet 10"'),
        ("chef's", "Chef's Knife 8\""),
    ],
)
def test_search_matches_name_or_description_case_insensitively(client, q, expected):
    assert expected in names(search(client, q=q))


@pytest.mark.parametrize("q", [".*", "^", "[a-z]+", "(", "a|b", "\\", "$where", '{"$ne": 1}', ".+?*"])
def test_regex_metacharacters_are_matched_literally_not_as_a_pattern(client, q):
    assert search(client, q=q)["total"] == 0


def test_a_product_whose_name_holds_metacharacters_is_found_by_exactly_those_characters(client, admin_headers):
    created = client.post(
        "/api/products", json=new_product(name=f"Odd (a.b*c) [{uuid.uuid4().hex}]"), headers=admin_headers
    ).json
    assert names(search(client, q="(a.b*c) [")) == [created["name"]]
    assert search(client, q="(aXb*c)")["total"] == 0


def test_a_category_filter_returns_only_that_category(client):
    page = search(client, category="kitchen", per_page=100)
    assert page["total"] == 5 and {p["category"] for p in page["items"]} == {"kitchen"}
    assert search(client, category="no-such-category")["total"] == 0


def test_a_price_range_is_inclusive_and_in_minor_units(client):
    page = search(client, min_price=3200, max_price=4900, per_page=100)
    prices = [p["price"] for p in page["items"]]
    assert prices and all(3200 <= p <= 4900 for p in prices) and 3200 in prices and 4900 in prices


@pytest.mark.parametrize(
    "sort, key, reverse",
    [
        ("price", lambda p: p["price"], False),
        ("-price", lambda p: p["price"], True),
        ("name", lambda p: p["name"], False),
        ("-created", lambda p: p["created_at"], True),
    ],
)
def test_each_sort_orders_the_results(client, sort, key, reverse):
    items = search(client, sort=sort, per_page=100)["items"]
    assert [key(p) for p in items] == sorted((key(p) for p in items), reverse=reverse)


def test_paging_splits_the_results_and_reports_the_page_count(client):
    first, second = search(client, per_page=5, page=1), search(client, per_page=5, page=2)
    assert len(first["items"]) == len(second["items"]) == 5 and second["page"] == 2
    assert not set(names(first)) & set(names(second)) and first["pages"] == -(-first["total"] // 5)
    assert search(client, page=999)["items"] == []


def test_featured_lists_only_featured_products(client):
    items = search(client, featured="true", per_page=100)["items"]
    assert items and all(p["featured"] for p in items)


def test_ids_fetch_several_products_in_one_call_and_skip_unknown_ones(client):
    page = search(client, ids="classic-linen-shirt,fountain-pen,no-such-product", per_page=100)
    assert sorted(p["id"] for p in page["items"]) == ["classic-linen-shirt", "fountain-pen"]


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "-1"},
        {"page": "x"},
        {"page": "1.5"},
        {"page": "10001"},
        {"per_page": "10000"},
        {"per_page": "0"},
        {"per_page": "-5"},
        {"min_price": "-1"},
        {"max_price": "abc"},
        {"min_price": "5000", "max_price": "100"},
        {"min_price": "100000001"},
        {"sort": "price; drop"},
        {"sort": "$natural"},
        {"sort": "-name"},
        {"category": "$ne"},
        {"category": "Kitchen"},
        {"category": "a" * 41},
        {"q": "x" * 101},
        {"featured": "perhaps"},
        {"ids": "ok,$ne"},
        {"ids": ",".join(f"id{i}" for i in range(101))},
    ],
)
def test_bad_query_values_are_422_with_the_field_named(client, params):
    r = client.get("/api/products", query_string=params)
    assert r.status_code == 422 and r.json["error"] == "VALIDATION_ERROR"
    assert r.json["details"]["fields"]


@pytest.mark.parametrize(
    "query", ["q[$ne]=zzz", "category[$regex]=.*", "min_price[$gt]=999999999", "q[$where]=sleep(1000)"]
)
def test_operator_shaped_query_keys_are_ignored_not_applied(client, query):
    r = client.get(f"/api/products?{query}")
    assert r.status_code == 200 and r.json["total"] == search(client)["total"]


def test_one_product_by_id_and_unknown_or_malformed_ids_are_404(client):
    assert client.get("/api/products/fountain-pen").json["name"] == "Fountain Pen"
    for bad in ("no-such-product", "$ne", "a" * 65, "é", "..%2f..%2fetc"):
        r = client.get(f"/api/products/{bad}")
        assert r.status_code == 404 and r.json["error"] == "NOT_FOUND", bad


def test_categories_are_listed_once_each_sorted(client):
    items = client.get("/api/categories").json["items"]
    assert {"apparel", "kitchen", "electronics", "outdoors", "stationery"} <= set(items) and items == sorted(items)


def test_a_query_ranks_name_matches_over_description_matches_unless_another_order_is_asked(client, admin_headers):
    """The text index's weights: a query word in the name counts five times one in the description; equal scores
    go by name."""
    word = f"zq{uuid.uuid4().hex[:8]}"
    made = {}
    for label, fields in (
        ("description", {"name": f"Aardvark mat {word[:4]}", "description": f"Goes with a {word} rug."}),
        ("name", {"name": f"Zebra {word} lamp", "description": "For reading."}),
        ("name and description", {"name": f"Mango {word} throw", "description": f"A soft {word}."}),
    ):
        made[label] = client.post("/api/products", json=new_product(**fields), headers=admin_headers).json["name"]
    ranked = names(search(client, q=word.upper()))
    assert ranked == [made["name and description"], made["name"], made["description"]]
    assert names(search(client, q=word, sort="relevance")) == ranked
    assert names(search(client, q=word, sort="name")) == sorted(ranked)
    assert names(search(client, q=f"{word} zebra")) == [made["name"]]  # every word must match
    assert search(client, sort="relevance")["total"] == search(client)["total"]  # no query: by name
