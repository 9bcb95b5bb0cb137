"""The back office's checkout rules (/admin/shipping, /admin/tax, /admin/promotions): save, edit and delete through
the real orders service; every refusal beside its field with and without htmx; odd input shown as text, never a 500."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.support.admin_apps import CSRF, back_office_fixture, browser

office = back_office_fixture()
HTMX = {"HX-Request": "true"}


@pytest.fixture()
def admin_client(office):
    return browser(office.admin_app, office.admin_token)


def post(admin_client, path: str, headers=None, **form):
    return admin_client.post(
        path, data={"csrf_token": CSRF, "form_key": uuid.uuid4().hex, **form}, headers=headers or {}
    )


def api(office, path: str) -> list[dict]:
    headers = {"Authorization": f"Bearer {office.admin_token}"}
    return requests.get(f"{office.gateway}{path}", headers=headers, timeout=10).json()["items"]


def rate(office, country: str) -> tuple[int, bool] | None:
    return next(((r["rate"], r["inclusive"]) for r in api(office, "/api/tax") if r["id"] == country), None)


def test_a_delivery_option_is_added_edited_and_deleted(office, admin_client):
    name = f"Courier {uuid.uuid4().hex[:6]}"
    r = post(
        admin_client, "/shipping", name=name, countries="gb, IE, gb", price="6.50", free_over="", estimate="Next day"
    )
    assert r.status_code == 303 and r.headers["Location"] == "/admin/shipping?done=saved"
    saved = next(o for o in api(office, "/api/shipping?country=IE") if o["name"] == name)
    assert saved["countries"] == ["GB", "IE"] and saved["price"] == 650 and saved["free_over"] is None
    form = admin_client.get(f"/shipping?edit={saved['id']}").get_data(as_text=True)
    assert f"Edit {name}" in form and 'value="GB, IE"' in form
    again = post(admin_client, "/shipping", id=saved["id"], name=name, countries="GB", price="7", free_over="100")
    assert again.status_code == 303
    assert {o["id"]: (o["price"], o["free_over"]) for o in api(office, "/api/shipping")}[saved["id"]] == (700, 10000)
    taken = post(admin_client, "/shipping", name=name, countries="GB", price="1")  # a new option with a taken name
    assert taken.status_code == 422 and "There is an option with this name already" in taken.get_data(as_text=True)
    asked = post(admin_client, f"/shipping/{saved['id']}/delete")
    assert asked.status_code == 200 and "Yes, delete option" in asked.get_data(as_text=True)
    assert post(admin_client, f"/shipping/{saved['id']}/delete", confirmed="yes").status_code == 303
    assert saved["id"] not in {o["id"] for o in api(office, "/api/shipping")}


@pytest.mark.parametrize(
    ("form", "field", "says"),
    [
        ({"name": "", "countries": "GB", "price": "1"}, "name", "Enter a name"),
        ({"name": "X", "countries": "GB, XX", "price": "1"}, "countries", "two-letter country codes"),
        ({"name": "X", "countries": "", "price": "1"}, "countries", "two-letter country codes"),
        ({"name": "X", "countries": "GB", "price": "4,90"}, "price", "Use a point for the decimals"),
        ({"name": "X", "countries": "GB", "price": "-1"}, "price", "Enter a price like 4.90"),
        ({"name": "X", "countries": "GB", "price": "1", "free_over": "lots"}, "free_over", "never free"),
        ({"name": "X", "countries": "GB", "price": "1", "estimate": "e" * 61}, "estimate", "under 60 characters"),
    ],
)
def test_a_delivery_option_refusal_is_beside_its_field(admin_client, form, field, says):
    for headers in ({}, HTMX):
        html = post(admin_client, "/shipping", headers, **form).get_data(as_text=True)
        assert f'id="f-{field}-error"' in html and says in html and f'<a href="#f-{field}">' in html


def test_a_tax_rate_is_set_edited_and_deleted(office, admin_client):
    assert post(admin_client, "/tax", country="se", rate="25", inclusive="yes").status_code == 303
    assert rate(office, "SE") == (2500, True)
    assert "Sweden (SE)" in admin_client.get("/tax").get_data(as_text=True)
    assert 'value="25"' in admin_client.get("/tax?edit=SE").get_data(as_text=True)
    assert post(admin_client, "/tax", country="SE", rate="12.5").status_code == 303
    assert rate(office, "SE") == (1250, False)
    assert post(admin_client, "/tax/SE/delete", confirmed="yes").status_code == 303
    assert "SE" not in {r["id"] for r in api(office, "/api/tax")}


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"country": "XX", "rate": "5"}, "country"),
        ({"country": "", "rate": "5"}, "country"),
        ({"country": "SE", "rate": "101"}, "rate"),
        ({"country": "SE", "rate": "-5"}, "rate"),
        ({"country": "SE", "rate": "5.123"}, "rate"),
        ({"country": "SE", "rate": '{"$ne": 1}'}, "rate"),
    ],
)
def test_a_tax_rate_refusal_is_beside_its_field(admin_client, form, field):
    for headers in ({}, HTMX):
        r = post(admin_client, "/tax", headers, **form)
        assert r.status_code == 422 and f'id="f-{field}-error"' in r.get_data(as_text=True)


def test_a_promo_code_is_added_refused_twice_edited_and_deleted(office, admin_client):
    code = f"T{uuid.uuid4().hex[:8]}".upper()
    form = {"code": code.lower(), "kind": "fixed", "value": "5", "min_spend": "20", "ends_at": "2030-01-01"}
    assert post(admin_client, "/promotions", **form, usage_limit="3", per_customer="yes").status_code == 303
    saved = next(p for p in api(office, "/api/promotions") if p["id"] == code)
    assert (saved["kind"], saved["value"], saved["min_spend"], saved["usage_limit"]) == ("fixed", 500, 2000, 3)
    assert saved["ends_at"].startswith("2030-01-01") and saved["per_customer"] is True
    taken = post(admin_client, "/promotions", **form)
    assert taken.status_code == 409 and "That code exists already" in taken.get_data(as_text=True)
    edit = admin_client.get(f"/promotions?edit={code}").get_data(as_text=True)
    assert f"Edit {code}" in edit and 'value="5.00"' in edit and 'value="3"' in edit
    assert post(admin_client, "/promotions", code=code, editing="yes", kind="percent", value="15").status_code == 303
    saved = next(p for p in api(office, "/api/promotions") if p["id"] == code)
    assert (saved["kind"], saved["value"], saved["usage_limit"], saved["per_customer"]) == ("percent", 15, None, False)
    assert post(admin_client, f"/promotions/{code}/delete", confirmed="yes").status_code == 303
    assert code not in {p["id"] for p in api(office, "/api/promotions")}


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"code": "no spaces", "kind": "percent", "value": "10"}, "code"),
        ({"code": "X" * 33, "kind": "percent", "value": "10"}, "code"),
        ({"code": '{"$ne":null}', "kind": "percent", "value": "10"}, "code"),
        ({"code": "OK1", "kind": "percent", "value": "150"}, "value"),
        ({"code": "OK1", "kind": "percent", "value": "0"}, "value"),
        ({"code": "OK1", "kind": "fixed", "value": "0"}, "value"),
        ({"code": "OK1", "kind": "bogus", "value": "10"}, "kind"),
        ({"code": "OK1", "kind": "percent", "value": "10", "min_spend": "1,5"}, "min_spend"),
        ({"code": "OK1", "kind": "percent", "value": "10", "starts_at": "2026-02-30"}, "starts_at"),
        (
            {"code": "OK1", "kind": "percent", "value": "10", "starts_at": "2027-01-02", "ends_at": "2027-01-01"},
            "ends_at",
        ),
        ({"code": "OK1", "kind": "percent", "value": "10", "usage_limit": "-1"}, "usage_limit"),
    ],
)
def test_a_promo_code_refusal_is_beside_its_field(admin_client, form, field):
    for headers in ({}, HTMX):
        r = post(admin_client, "/promotions", headers, **form)
        assert r.status_code == 422 and f'id="f-{field}-error"' in r.get_data(as_text=True)


def test_markup_typed_into_a_form_comes_back_as_text(admin_client):
    html = post(admin_client, "/shipping", name="<script>alert(1)</script>", countries="<b>x</b>", price="1").get_data(
        as_text=True
    )
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_deleting_what_is_gone_lands_on_the_list_and_an_unknown_edit_is_an_empty_form(admin_client):
    for path in ("/shipping/nope/delete", "/tax/ZZ/delete", "/promotions/NOPE/delete"):
        assert post(admin_client, path, confirmed="yes").status_code == 303
    assert "Add a delivery option" in admin_client.get("/shipping?edit=%24ne").get_data(as_text=True)
