"""The back office's stock page and the inventory admin API: low stock first, set, adjust, never negative."""

from __future__ import annotations

import uuid

import pytest
import requests

from common.mongo.database import get_database
from services.inventory.deps import deps as inventory_deps
from tests.support.accounts_apps import new_user
from tests.support.admin_apps import CSRF, back_office_fixture, browser, deliver_admin_actions

office = back_office_fixture()


@pytest.fixture()
def admin_client(office):
    return browser(office.admin_app, office.admin_token)


@pytest.fixture()
def sku(office) -> str:
    """A fresh SKU with 12 available."""
    sku = f"INV-{uuid.uuid4().hex[:10].upper()}"
    inventory_deps(office.apps["inventory"]).stock.ensure(sku, None, 12)
    return sku


def api(office, method, path, token, **kwargs):
    return requests.request(
        method, f"{office.gateway}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=5, **kwargs
    )


def stock_of(office, sku) -> dict:
    return requests.get(f"{office.gateway}/api/inventory/{sku}", timeout=5).json()


def test_levels_list_low_stock_first(office):
    stock = inventory_deps(office.apps["inventory"]).stock
    low = f"LOW-{uuid.uuid4().hex[:8].upper()}"
    stock.ensure(low, None, 0)
    body = api(office, "GET", "/api/stock", office.admin_token).json()
    counts = [i["available"] for i in body["items"]]
    assert counts == sorted(counts) and body["items"][0]["available"] == 0 and body["low_level"] == 5
    only_low = api(office, "GET", "/api/stock", office.admin_token, params={"low": "true"}).json()
    assert all(i["available"] <= 5 for i in only_low["items"]) and any(i["sku"] == low for i in only_low["items"])


def test_the_admin_stock_apis_refuse_a_guest_and_a_customer(office, sku):
    customer = new_user(office.gateway)["access_token"]
    for method, path, body in (
        ("GET", "/api/stock", None),
        ("POST", f"/api/inventory/{sku}/adjust", {"delta": 1}),
    ):
        assert requests.request(method, f"{office.gateway}{path}", json=body, timeout=5).status_code == 401
        assert api(office, method, path, customer, json=body).status_code == 403
    assert stock_of(office, sku)["available"] == 12


def test_adjusting_adds_and_removes_units(office, sku):
    assert api(office, "POST", f"/api/inventory/{sku}/adjust", office.admin_token, json={"delta": 5}).json() == {
        "sku": sku,
        "available": 17,
        "reserved": 0,
    }
    r = api(office, "POST", f"/api/inventory/{sku}/adjust", office.admin_token, json={"delta": -17})
    assert r.status_code == 200 and r.json()["available"] == 0


def test_a_delta_that_would_go_below_zero_is_refused_with_the_reason(office, sku):
    r = api(office, "POST", f"/api/inventory/{sku}/adjust", office.admin_token, json={"delta": -13})
    assert r.status_code == 409 and r.json()["error"] == "STOCK_NEGATIVE"
    assert "Only 12 available" in r.json()["message"] and stock_of(office, sku)["available"] == 12


@pytest.mark.parametrize(
    "body",
    [
        {"delta": "5"},
        {"delta": 1.5},
        {"delta": None},
        {"delta": {"$gt": 0}},
        {"delta": 10**9},
        {},
        {"delta": 1, "available": 99},
    ],
)
def test_a_bad_delta_is_422(office, sku, body):
    r = api(office, "POST", f"/api/inventory/{sku}/adjust", office.admin_token, json=body)
    assert r.status_code == 422


@pytest.mark.parametrize("query", ["q[$ne]=x", "page=0", "per_page=1000", "q=" + "x" * 41])
def test_bad_level_queries_are_4xx_and_a_pattern_is_taken_literally(office, query):
    assert api(office, "GET", f"/api/stock?{query}", office.admin_token).status_code in (200, 422)
    literal = api(office, "GET", "/api/stock", office.admin_token, params={"q": ".*"}).json()
    assert literal["total"] == 0


def test_the_page_lists_each_sku_with_a_stock_field_and_save_button(admin_client, sku):
    html = admin_client.get(f"/inventory?q={sku}").get_data(as_text=True)
    assert f'id="stock-{sku}"' in html and ">Stock<" in html and "Save stock" in html and 'value="12"' in html


def test_saving_stock_without_js_sets_the_level_and_returns_to_the_list(office, admin_client, sku):
    r = admin_client.post(
        f"/inventory/{sku}", data={"csrf_token": CSRF, "quantity": "0", "back": f"/admin/inventory?q={sku}"}
    )
    assert r.status_code == 303 and r.headers["Location"] == f"/admin/inventory?q={sku}&saved={sku}"
    assert stock_of(office, sku)["available"] == 0


def test_a_foreign_back_url_is_ignored(admin_client, sku):
    r = admin_client.post(f"/inventory/{sku}", data={"csrf_token": CSRF, "quantity": "3", "back": "//evil.example/x"})
    assert r.headers["Location"] == f"/admin/inventory?saved={sku}"


def test_a_negative_adjustment_on_the_page_shows_the_reason_beside_the_field(office, admin_client, sku):
    r = admin_client.post(
        f"/inventory/{sku}/adjust", data={"csrf_token": CSRF, "delta": "-20"}, query_string={"q": sku}
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and f'id="delta-{sku}-error"' in html and "cannot go below zero" in html
    assert stock_of(office, sku)["available"] == 12


@pytest.mark.parametrize("value", ["-1", "abc", "1.5", ""])
def test_a_bad_level_on_the_page_is_refused_beside_the_field(admin_client, sku, value):
    r = admin_client.post(f"/inventory/{sku}", data={"csrf_token": CSRF, "quantity": value}, query_string={"q": sku})
    assert r.status_code == 422 and f'id="qty-{sku}-error"' in r.get_data(as_text=True)


def test_concurrent_removals_never_take_stock_below_zero(office, sku):
    from concurrent.futures import ThreadPoolExecutor

    def remove(_):
        return api(office, "POST", f"/api/inventory/{sku}/adjust", office.admin_token, json={"delta": -1}).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(remove, range(20)))
    assert statuses.count(200) == 12 and statuses.count(409) == 8
    assert stock_of(office, sku)["available"] == 0


def test_a_stock_change_through_the_api_is_audited_in_the_same_write(office):
    sku = requests.get(f"{office.gateway}/api/products", params={"per_page": 1}, timeout=5).json()["items"][0]["sku"]
    token = {"Authorization": f"Bearer {office.admin_token}"}
    requests.post(f"{office.gateway}/api/inventory/{sku}/adjust", json={"delta": 2}, headers=token, timeout=5)
    outbox = get_database(office.apps["inventory"])["stock"].find_one({"_id": sku})["_outbox"]
    (entry,) = [e for e in outbox if e["type"] == "admin.action" and e["data"]["action"] == "stock.adjust"][-1:]
    assert entry["data"]["subject_id"] == sku and entry["data"]["after"]["delta"] == 2
    assert entry["data"]["actor_id"] and entry["data"]["after"]["available"] == entry["data"]["before"]["available"] + 2


def test_each_stock_change_is_audited_and_shown_on_its_product(office, admin_client):
    product = requests.get(f"{office.gateway}/api/products", params={"per_page": 1}, timeout=5).json()["items"][0]
    sku = product["sku"]
    before = stock_of(office, sku)["available"]
    assert admin_client.post(f"/inventory/{sku}", data={"csrf_token": CSRF, "quantity": "40"}).status_code == 303
    assert admin_client.post(f"/inventory/{sku}/adjust", data={"csrf_token": CSRF, "delta": "-3"}).status_code == 303
    deliver_admin_actions(office)
    page = admin_client.get(f"/products/{product['id']}").get_data(as_text=True)
    assert "stock.set" in page and "stock.adjust" in page and f"available: {before}" in page
    assert "available: 37" in page and "delta: -3" in page


def test_the_sku_link_of_a_low_stock_email_opens_that_skus_row(admin_client, sku):
    html = admin_client.get(f"/inventory?sku={sku}").get_data(as_text=True)
    assert f'id="stock-{sku}"' in html and html.count('<tr id="stock-') == 1
