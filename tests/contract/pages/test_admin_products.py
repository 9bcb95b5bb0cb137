"""The back office's catalog pages against live services: search, create, edit, delete, validation, CSRF."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.support.admin_apps import CSRF, back_office_fixture, browser

office = back_office_fixture()
XSS = '<script>alert("x")</script>'


@pytest.fixture()
def admin_client(office):
    return browser(office.admin_app, office.admin_token)


def post(client, path, htmx=False, **form):
    return client.post(path, data={"csrf_token": CSRF, **form}, headers={"HX-Request": "true"} if htmx else {})


def product_form(**overrides) -> dict:
    sku = f"ADM-{uuid.uuid4().hex[:8].upper()}"
    return {
        "name": f"Walnut Board {sku}",
        "description": "Oiled walnut.",
        "category": "kitchen",
        "price": "24.50",
        "sku": sku,
        "initial_stock": "7",
        "featured": "on",
        **overrides,
    }


def api_product(office, product_id):
    return requests.get(f"{office.gateway}/api/products/{product_id}", timeout=5)


def test_the_list_searches_and_pages_the_catalog(admin_client):
    html = admin_client.get("/products?q=linen").get_data(as_text=True)
    assert "Classic Linen Shirt" in html and "New product" in html and "Search the catalog" in html
    paged = admin_client.get("/products?page=2").get_data(as_text=True)
    assert "Page 2 of" in paged or "Page" not in paged


def test_the_new_product_form_has_the_design_labels(admin_client):
    html = admin_client.get("/products/new").get_data(as_text=True)
    for label in ("Name", "Description", "Category", "Price", "SKU", "Featured"):
        assert f">{label}</label>" in html
    assert "Save product" in html and 'name="csrf_token"' in html


def test_creating_a_product_stores_the_price_in_minor_units_and_redirects_to_it(office, admin_client):
    form = product_form()
    r = post(admin_client, "/products", **form)
    assert r.status_code == 303 and r.headers["Location"].startswith("/admin/products/")
    product_id = r.headers["Location"].split("/")[-1].split("?")[0]
    product = api_product(office, product_id).json()
    assert (product["price"], product["featured"], product["sku"]) == (2450, True, form["sku"])
    page = admin_client.get(f"/products/{product_id}?saved=1").get_data(as_text=True)
    assert "Product saved." in page and 'value="24.50"' in page and "Delete product" in page


def test_with_htmx_a_saved_product_redirects_the_whole_page(admin_client):
    r = post(admin_client, "/products", htmx=True, **product_form())
    assert r.status_code == 200 and r.headers["HX-Redirect"].startswith("/admin/products/")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter a name"),
        ("price", "abc", "Enter a price"),
        ("price", "0", "Enter a price"),
        ("price", "-3", "Enter a price"),
        ("price", "1.999", "Enter a price"),
        ("price", "24,50", "Use a point for the decimals"),
        ("price", "1,299", "Use a point for the decimals"),
        ("category", "Kitchen Stuff", "lowercase"),
        ("sku", "bad sku!", "Use letters, digits"),
        ("initial_stock", "-1", "whole number"),
        ("description", "x" * 2001, "under 2,000"),
        ("name", "n" * 201, "Enter a name"),
        ("sku", '{"$ne": null}', "Use letters, digits"),
        ("category", "$where", "lowercase"),
    ],
)
def test_a_bad_field_is_refused_with_its_message_beside_it(admin_client, field, value, message):
    r = post(admin_client, "/products", **product_form(**{field: value}))
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and message in html
    assert f'id="f-{field}-error"' in html


def test_a_taken_sku_is_refused_beside_the_sku(admin_client):
    form = product_form()
    assert post(admin_client, "/products", **form).status_code == 303
    r = post(admin_client, "/products", **product_form(sku=form["sku"]))
    assert r.status_code == 422 and "Another product already has this SKU." in r.get_data(as_text=True)


def test_markup_in_a_name_is_shown_as_text(office, admin_client):
    r = post(admin_client, "/products", **product_form(name=XSS))
    product_id = r.headers["Location"].split("/")[-1].split("?")[0]
    html = admin_client.get(f"/products/{product_id}").get_data(as_text=True)
    assert XSS not in html and "&lt;script&gt;" in html


def test_editing_changes_the_product_and_keeps_its_sku(office, admin_client):
    r = post(admin_client, "/products", **product_form())
    product_id = r.headers["Location"].split("/")[-1].split("?")[0]
    r = post(
        admin_client, f"/products/{product_id}", **product_form(name="Renamed Board", price="1,299.00", sku="IGNORED")
    )
    assert r.status_code == 303
    product = api_product(office, product_id).json()
    assert (product["name"], product["price"]) == ("Renamed Board", 129900) and product["sku"] != "IGNORED"


def test_deleting_a_product_takes_it_off_the_catalog(office, admin_client):
    r = post(admin_client, "/products", **product_form())
    product_id = r.headers["Location"].split("/")[-1].split("?")[0]
    asked = post(admin_client, f"/products/{product_id}/delete")
    assert asked.status_code == 200 and "Yes, delete product" in asked.get_data(as_text=True)
    assert api_product(office, product_id).status_code == 200  # only asked
    r = post(admin_client, f"/products/{product_id}/delete", confirmed="yes")
    assert r.status_code == 303 and r.headers["Location"] == "/admin/products?deleted=1"
    assert api_product(office, product_id).status_code == 404
    assert admin_client.get(f"/products/{product_id}").status_code == 404


def test_a_post_without_the_csrf_token_is_refused(office, admin_client):
    r = admin_client.post("/products", data=product_form())
    assert r.status_code == 403


@pytest.mark.parametrize("bad", ["..%2Fmetrics", "$ne", "a" * 65])
def test_an_unknown_product_id_is_404(admin_client, bad):
    assert admin_client.get(f"/products/{bad}").status_code == 404
