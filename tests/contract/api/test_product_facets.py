"""The catalog's filters with counts, on the local server: each filter counts under every other chosen filter, never
its own, and the page, its total and every count come from one aggregate."""

from __future__ import annotations

import uuid

import pytest

import services.products
from services.products.facets import PRICE_BANDS
from services.products.repository import ProductRepository
from tests.support.databases import fresh_database


def sized(*values):
    return {"name": "Size", "values": list(values)}


def coloured(*values):
    return {"name": "Colour", "values": list(values)}


# name, category, lowest price (cents), options, in stock
SHELF: tuple[tuple[str, str, int, list[dict], bool], ...] = (
    ("Linen shirt", "shirts", 4500, [sized("S", "M", "L"), coloured("Sand", "Navy")], True),
    ("Oxford shirt", "shirts", 3900, [sized("M", "XL"), coloured("Navy")], True),
    ("Flannel shirt", "shirts", 6500, [sized("L"), coloured("Red")], False),
    ("Jeans", "trousers", 8900, [sized("30", "32")], True),
    ("Runner", "shoes", 12000, [sized("9.5", "10")], True),
    ("Mug", "kitchen", 1200, [], True),
)


@pytest.fixture()
def repo():
    shelf = ProductRepository(fresh_database("facets")["products"])
    for name, category, price, options, in_stock in SHELF:
        shelf.products.insert_one(
            {
                "_id": uuid.uuid4().hex,
                "sku": f"F-{uuid.uuid4().hex}",
                "name": name,
                "category": category,
                "price": price,
                "price_min": price,
                "price_max": price,
                "options": options,
                "in_stock": in_stock,
                "deleted": False,
                "words": name.lower().split(),
            }
        )
    return shelf


def look(repo, **filters):
    items, total, counts = repo.search_with_facets(sort="name", skip=0, limit=50, **filters)
    assert len(items) == total
    return sorted(i["name"] for i in items), counts


def counted(entries) -> dict:
    return {e["value"]: e["count"] for e in entries}


def test_with_no_filter_each_facet_counts_the_whole_catalog(repo):
    names, counts = look(repo)
    assert len(names) == 6
    assert counted(counts["category"]) == {"kitchen": 1, "shirts": 3, "shoes": 1, "trousers": 1}
    assert counted(counts["price_band"]) == {"under-25": 1, "25-50": 2, "50-100": 2, "100-plus": 1}
    assert [b["value"] for b in counts["price_band"]] == [key for key, _, _ in PRICE_BANDS]
    sizes = [(s["value"], s["count"]) for s in counts["size"]]  # S, M, L, … then numbers by value
    assert sizes == [("S", 1), ("M", 2), ("L", 2), ("XL", 1), ("9.5", 1), ("10", 1), ("30", 1), ("32", 1)]
    assert counted(counts["colour"]) == {"Navy": 2, "Red": 1, "Sand": 1}
    assert counts["in_stock"] == 5


def test_choosing_a_category_narrows_the_grid_and_every_other_count_but_not_the_categories(repo):
    names, counts = look(repo, category="shirts")
    assert names == ["Flannel shirt", "Linen shirt", "Oxford shirt"]
    assert counted(counts["category"]) == {"kitchen": 1, "shirts": 3, "shoes": 1, "trousers": 1}
    assert counted(counts["price_band"]) == {"under-25": 0, "25-50": 2, "50-100": 1, "100-plus": 0}
    assert counted(counts["size"]) == {"S": 1, "M": 2, "L": 2, "XL": 1}
    assert counts["in_stock"] == 2


def test_several_sizes_match_any_of_them_and_the_sizes_keep_their_own_counts(repo):
    names, counts = look(repo, size=("S", "XL"))
    assert names == ["Linen shirt", "Oxford shirt"]
    assert counted(counts["size"])["M"] == 2 and counted(counts["size"])["30"] == 1
    assert counted(counts["colour"]) == {"Navy": 2, "Sand": 1}
    assert counted(counts["category"]) == {"shirts": 2}


def test_filters_of_different_facets_all_apply(repo):
    names, counts = look(repo, category="shirts", colour=("Navy",), price_band="25-50", in_stock=True)
    assert names == ["Linen shirt", "Oxford shirt"]
    assert counted(counts["colour"]) == {"Navy": 2, "Sand": 1}  # in stock shirts of $25–50, any colour
    assert counted(counts["price_band"]) == {"under-25": 0, "25-50": 2, "50-100": 0, "100-plus": 0}
    assert counts["in_stock"] == 2
    names, counts = look(repo, category="shirts", colour=("Red",), in_stock=True)
    assert names == [] and counts["in_stock"] == 0
    assert counted(counts["colour"]) == {"Navy": 2, "Sand": 1, "Red": 0}  # the chosen value stays, with 0


def test_in_stock_only_leaves_out_sold_out_products_and_counts_them_under_the_other_filters(repo):
    names, counts = look(repo, in_stock=True, category="shirts")
    assert names == ["Linen shirt", "Oxford shirt"] and counts["in_stock"] == 2
    assert counted(counts["category"])["shirts"] == 2


def test_a_product_without_flags_or_price_min_counts_as_in_stock_at_its_price(repo):
    """Products from before stock.changed and variants: no in_stock, no price_min."""
    repo.products.insert_one({"_id": "old", "sku": "OLD-1", "name": "Old lamp", "category": "lamps", "price": 3000})
    repo.products.update_one({"_id": "old"}, {"$set": {"deleted": False, "words": ["old", "lamp"]}})
    names, counts = look(repo, price_band="25-50", in_stock=True, category="lamps")
    assert names == ["Old lamp"] and counts["in_stock"] == 1


def test_without_facets_asked_the_search_still_filters(repo):
    items, total = repo.search(sort="name", skip=0, limit=10, size=("L",), category="shirts")
    assert total == 2 and sorted(i["name"] for i in items) == ["Flannel shirt", "Linen shirt"]


def test_paging_keeps_the_counts_of_the_whole_query(repo):
    items, total, counts = repo.search_with_facets(sort="name", skip=1, limit=1, category="shirts")
    assert [i["name"] for i in items] == ["Linen shirt"] and total == 3
    assert counted(counts["category"])["shirts"] == 3


# --- the API


@pytest.fixture(scope="module")
def app(service_config):
    return services.products.create_app(service_config())


def test_the_api_answers_the_counts_with_facets_true_and_only_then(client):
    plain = client.get("/api/products").json
    assert "facets" not in plain
    page = client.get("/api/products", query_string={"facets": "true", "category": "kitchen"}).json
    assert page["total"] == 5 and counted(page["facets"]["category"])["kitchen"] == 5
    assert counted(page["facets"]["category"])["apparel"] >= 1  # the other categories keep their counts
    assert sum(b["count"] for b in page["facets"]["price_band"]) == 5


@pytest.mark.parametrize(
    "params",
    [
        {"price_band": "cheap"},
        {"price_band": "$ne"},
        {"size": "M,,L"},
        {"size": "M,"},
        {"size": "<script>"},
        {"colour": "a" * 31},
        {"colour": "<b>"},
        {"colour": " Navy"},
        {"size": "M\x00"},
        {"colour": ",".join(f"c{i}" for i in range(21))},
        {"in_stock": "perhaps"},
        {"in_stock": "[1]"},
        {"facets": "x"},
    ],
)
def test_bad_filter_values_are_422_with_the_field_named(client, params):
    r = client.get("/api/products", query_string=params)
    assert r.status_code == 422 and r.json["error"] == "VALIDATION_ERROR"
    assert {f.split(".")[0] for f in r.json["details"]["fields"]} & set(params), r.json


@pytest.mark.parametrize("value", ["$ne", '{"$gt": ""}', "$where", ".*"])
def test_an_operator_shaped_value_is_a_literal_value_matching_nothing(client, value):
    r = client.get("/api/products", query_string={"size": value, "colour": value})
    assert r.status_code == 200 and r.json["total"] == 0


def test_any_option_value_but_a_comma_can_be_asked_for(client):
    query = {"colour": "Crème brûlée,Navy/White,O'Neill green", "size": "10½", "facets": "true"}
    r = client.get("/api/products", query_string=query)
    assert r.status_code == 200 and r.json["total"] == 0
    assert {c["value"] for c in r.json["facets"]["colour"]} >= {"Crème brûlée", "Navy/White", "O'Neill green"}


@pytest.mark.parametrize("query", ["size[$ne]=M", "colour[$regex]=.*", "in_stock[$exists]=1", "price_band[$gt]="])
def test_operator_shaped_filter_keys_are_ignored_not_applied(client, query):
    r = client.get(f"/api/products?{query}")
    assert r.status_code == 200 and r.json["total"] == client.get("/api/products").json["total"]
