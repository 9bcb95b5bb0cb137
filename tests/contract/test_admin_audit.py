"""The audit API (users service, through the gateway): admins only, the actor from the token, facts bounded."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.accounts_apps import ADMIN, new_user
from tests.admin_apps import back_office_fixture, deliver_admin_actions

office = back_office_fixture()


def audit(office, method, token=None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, f"{office.gateway}/api/audit", headers=headers, timeout=5, **kwargs)


def entry(**overrides) -> dict:
    return {
        "action": "order.refund",
        "subject_type": "order",
        "subject_id": uuid.uuid4().hex,
        "before": {"price": 100},
        "after": {"price": 200},
        **overrides,
    }


def test_an_action_is_recorded_with_the_caller_as_actor_and_listed_newest_first(office):
    first = entry()
    r = audit(office, "POST", office.admin_token, json={**first, "actor_email": "someone@else.test"})
    assert r.status_code == 422  # the actor is never taken from the body
    assert audit(office, "POST", office.admin_token, json=first).status_code == 201
    assert audit(office, "POST", office.admin_token, json={**first, "after": {"price": 300}}).status_code == 201
    items = audit(
        office, "GET", office.admin_token, params={"subject_type": "order", "subject_id": first["subject_id"]}
    ).json()["items"]
    assert [i["after"]["price"] for i in items] == [300, 200]
    assert items[0]["actor_email"] == ADMIN["email"] and items[0]["before"] == {"price": 100}


def test_a_guest_and_a_customer_can_neither_read_nor_write_the_trail(office):
    customer = new_user(office.gateway)["access_token"]
    query = {"subject_type": "product", "subject_id": "x"}
    assert audit(office, "POST", json=entry()).status_code == 401
    assert audit(office, "POST", customer, json=entry()).status_code == 403
    assert audit(office, "GET", params=query).status_code == 401
    assert audit(office, "GET", customer, params=query).status_code == 403


@pytest.mark.parametrize(
    "bad",
    [
        {"subject_type": "wallet"},
        {"subject_id": {"$ne": None}},
        {"subject_id": "../x"},
        {"action": "drop table"},
        {"before": {"$where": "1"}},
        {"after": {"price": {"$gt": 0}}},
        {"after": {f"k{i}": i for i in range(21)}},
        {"after": {"k": [1, 2]}},
    ],
)
def test_malformed_or_operator_laden_entries_are_422(office, bad):
    assert audit(office, "POST", office.admin_token, json=entry(**bad)).status_code == 422


def test_markup_in_a_fact_is_stored_as_text_and_long_text_is_cut(office):
    e = entry(after={"name": "<script>x</script>" + "y" * 500})
    stored = audit(office, "POST", office.admin_token, json=e).json()
    assert stored["after"]["name"].startswith("<script>") and len(stored["after"]["name"]) == 300


@pytest.mark.parametrize(
    "forged",
    [
        {"action": "product.update", "subject_type": "product"},
        {"action": "product.delete", "subject_type": "product"},
        {"action": "event.discard", "subject_type": "event"},
        {"action": "stock.set", "subject_type": "stock"},
        {"action": "user.grant_admin", "subject_type": "user"},
    ],
)
def test_an_entry_for_a_change_the_services_record_cannot_be_posted(office, forged):
    r = audit(office, "POST", office.admin_token, json=entry(**forged))
    assert r.status_code == 403 and r.json()["error"] == "AUDITED_BY_SERVICE"


def test_a_price_change_through_the_api_is_audited_by_the_products_service_with_the_change(office):
    product = requests.get(f"{office.gateway}/api/products", params={"per_page": 1}, timeout=5).json()["items"][0]
    token = {"Authorization": f"Bearer {office.admin_token}"}
    r = requests.patch(
        f"{office.gateway}/api/products/{product['id']}", json={"price": product["price"] + 1}, headers=token, timeout=5
    )
    assert r.status_code == 200
    assert deliver_admin_actions(office) >= 1
    items = audit(
        office, "GET", office.admin_token, params={"subject_type": "product", "subject_id": product["id"]}
    ).json()["items"]
    (change,) = [i for i in items if i["action"] == "product.update"][:1]
    assert change["before"] == {"price": product["price"]} and change["after"] == {"price": product["price"] + 1}
    assert change["actor_email"] == ADMIN["email"]
    deliver_admin_actions(office)  # delivered again (a redelivery): still one entry
    again = audit(
        office, "GET", office.admin_token, params={"subject_type": "product", "subject_id": product["id"]}
    ).json()["items"]
    assert len([i for i in again if i["action"] == "product.update"]) == len(
        [i for i in items if i["action"] == "product.update"]
    )


def test_a_role_change_through_the_api_is_audited_by_the_auth_service(office):
    user = new_user(office.gateway)
    token = {"Authorization": f"Bearer {office.admin_token}"}
    r = requests.put(
        f"{office.gateway}/api/auth/accounts/{user['id']}/role", json={"role": "admin"}, headers=token, timeout=5
    )
    assert r.status_code == 200
    deliver_admin_actions(office)
    items = audit(office, "GET", office.admin_token, params={"subject_type": "user", "subject_id": user["id"]}).json()
    assert [(i["action"], i["before"], i["after"]) for i in items["items"]] == [
        ("user.grant_admin", {"role": "customer"}, {"role": "admin"})
    ]
