"""The audit trail (users service, through the gateway): every admin change is recorded by the service that makes
it, in the same write or transaction as the change, whether it came from the back office or straight from the API.
There is no API to write an entry: nothing can skip one, and nothing can forge one."""

from __future__ import annotations

import uuid

import pytest
import requests

from services.orders import states
from services.orders.deps import deps as orders_deps
from tests.support.accounts_apps import ADMIN, new_user
from tests.support.admin_apps import back_office_fixture, deliver_admin_actions

office = back_office_fixture()
ADDRESS = {"name": "Ada", "line1": "1 Main St", "city": "Springfield", "postal_code": "12345", "country": "US"}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def api(office, method: str, path: str, token: str | None = None, **kwargs):
    headers = {**(bearer(token) if token else {}), **kwargs.pop("headers", {})}
    return requests.request(method, f"{office.gateway}{path}", headers=headers, timeout=5, **kwargs)


def trail(office, subject_type: str, subject_id: str) -> list[tuple]:
    """The subject's entries once every waiting admin.action has been kept, oldest first, as (action, before,
    after); each also names the admin who acted."""
    deliver_admin_actions(office)
    r = api(
        office, "GET", "/api/audit", office.admin_token, params={"subject_type": subject_type, "subject_id": subject_id}
    )
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert all(i["actor_email"] == ADMIN["email"] for i in items)
    return [(i["action"], i["before"], i["after"]) for i in reversed(items)]


def entry(**overrides) -> dict:
    return {
        "action": "order.refund",
        "subject_type": "order",
        "subject_id": uuid.uuid4().hex,
        "before": {"price": 100},
        "after": {"price": 200},
        **overrides,
    }


def test_the_write_api_is_gone_so_no_admin_can_forge_an_entry(office):
    forged = entry(action="product.delete", subject_type="product")
    r = api(office, "POST", "/api/audit", office.admin_token, json=forged)
    assert r.status_code == 405 and "POST" not in r.headers["Allow"]
    assert trail(office, "product", forged["subject_id"]) == []


def test_a_guest_and_a_customer_cannot_read_the_trail(office):
    customer = new_user(office.gateway)["access_token"]
    query = {"subject_type": "product", "subject_id": "x"}
    assert api(office, "GET", "/api/audit", params=query).status_code == 401
    assert api(office, "GET", "/api/audit", customer, params=query).status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        {"subject_type": "wallet", "subject_id": "x"},
        {"subject_type": "order", "subject_id": "../x"},
        {"subject_type": "order", "subject_id": "a" * 65},
        {"subject_type": "order", "subject_id[$ne]": "x"},
        {"subject_type": "order", "subject_id": ".*"},
        {"subject_type": "order"},
    ],
)
def test_bad_or_operator_laden_queries_are_422(office, query):
    assert api(office, "GET", "/api/audit", office.admin_token, params=query).status_code == 422


def test_a_price_change_through_the_api_is_audited_once_by_the_products_service(office):
    product = requests.get(f"{office.gateway}/api/products", params={"per_page": 1}, timeout=5).json()["items"][0]
    r = api(office, "PATCH", f"/api/products/{product['id']}", office.admin_token, json={"price": product["price"] + 1})
    assert r.status_code == 200
    changes = [t for t in trail(office, "product", product["id"]) if t[0] == "product.update"]
    assert changes[-1] == ("product.update", {"price": product["price"]}, {"price": product["price"] + 1})
    deliver_admin_actions(office)  # delivered again (a redelivery): still one entry each
    assert [t for t in trail(office, "product", product["id"]) if t[0] == "product.update"] == changes


def test_a_role_change_through_the_api_is_audited_by_the_auth_service(office):
    user = new_user(office.gateway)
    r = api(office, "PUT", f"/api/auth/accounts/{user['id']}/role", office.admin_token, json={"role": "admin"})
    assert r.status_code == 200
    assert trail(office, "user", user["id"]) == [("user.grant_admin", {"role": "customer"}, {"role": "admin"})]


def confirmed_order(office, shopper: dict | None = None) -> str:
    shopper = shopper or new_user(office.gateway)
    product = requests.get(f"{office.gateway}/api/products", params={"per_page": 1}, timeout=5).json()["items"][0]
    body = {
        "address": ADDRESS,
        "lines": [{"product_id": product["id"], "quantity": 1}],
    }
    headers = {"Idempotency-Key": f"k-{uuid.uuid4().hex}"}
    r = api(office, "POST", "/api/orders", shopper["access_token"], json=body, headers=headers)
    assert r.status_code == 202, r.text
    repo = orders_deps(office.apps["orders"]).repo  # workers are off here: moved as the saga's consumers would
    assert repo.transition(r.json()["id"], states.PENDING, [states.AWAITING_PAYMENT, states.CONFIRMED])
    return r.json()["id"]


def test_shipping_and_delivering_through_the_api_are_audited_by_the_orders_service(office):
    order_id = confirmed_order(office)
    parcel = {"carrier": "ups", "tracking_number": "1Z999AA10123456784"}
    assert api(office, "POST", f"/api/orders/{order_id}/ship", office.admin_token, json=parcel).status_code == 200
    assert api(office, "POST", f"/api/orders/{order_id}/deliver", office.admin_token).status_code == 200
    assert api(office, "POST", f"/api/orders/{order_id}/deliver", office.admin_token).status_code == 409
    assert trail(office, "order", order_id) == [
        ("order.ship", {"status": "CONFIRMED"}, {"status": "SHIPPED", **parcel}),
        ("order.deliver", {"status": "SHIPPED"}, {"status": "DELIVERED"}),
    ]  # the refused second delivery left no entry


def test_the_shop_cancelling_is_audited_and_a_customer_cancelling_their_own_order_is_not(office):
    order_id = confirmed_order(office)
    assert api(office, "POST", f"/api/orders/{order_id}/cancel", office.admin_token).status_code == 202
    assert trail(office, "order", order_id) == [("order.cancel", {"status": "CONFIRMED"}, {"status": "CANCELLED"})]
    shopper = new_user(office.gateway)
    own = confirmed_order(office, shopper)
    assert api(office, "POST", f"/api/orders/{own}/cancel", shopper["access_token"]).status_code == 202
    assert trail(office, "order", own) == []


def test_checkout_rules_changed_through_the_api_are_audited_by_the_orders_service(office):
    admin = office.admin_token
    option = f"audit-{uuid.uuid4().hex[:8]}"
    fields = {"name": "Bike courier", "countries": ["US", "GB"], "price": 900}
    assert api(office, "PUT", f"/api/shipping/{option}", admin, json=fields).status_code == 200
    assert api(office, "DELETE", f"/api/shipping/{option}", admin).status_code == 204
    assert api(office, "DELETE", f"/api/shipping/{option}", admin).status_code == 404
    saved, deleted = trail(office, "delivery_option", option)
    assert saved[:2] == ("shipping.save", {}) and saved[2]["countries"] == "US, GB" and saved[2]["price"] == 900
    assert deleted[0] == "shipping.delete" and deleted[1]["name"] == "Bike courier" and deleted[2] == {"deleted": True}

    assert api(office, "PUT", "/api/tax/NZ", admin, json={"rate": 1500, "inclusive": True}).status_code == 200
    assert api(office, "PUT", "/api/tax/NZ", admin, json={"rate": 1250, "inclusive": True}).status_code == 200
    assert api(office, "DELETE", "/api/tax/NZ", admin).status_code == 204
    assert [(a, b.get("rate"), c.get("rate")) for a, b, c in trail(office, "tax_rate", "NZ")] == [
        ("tax.save", None, 1500),
        ("tax.save", 1500, 1250),
        ("tax.delete", 1250, None),
    ]

    code = f"AUDIT{uuid.uuid4().hex[:6].upper()}"
    promo = {"kind": "percent", "value": 10, "min_spend": 0, "usage_limit": None, "per_customer": False}
    assert api(office, "POST", "/api/promotions", admin, json={"code": code, **promo}).status_code == 201
    assert api(office, "POST", "/api/promotions", admin, json={"code": code, **promo}).status_code == 409
    assert api(office, "PUT", f"/api/promotions/{code}", admin, json={**promo, "value": 15}).status_code == 200
    assert api(office, "DELETE", f"/api/promotions/{code}", admin).status_code == 204
    assert [(a, b.get("value"), c.get("value")) for a, b, c in trail(office, "promotion", code)] == [
        ("promotion.create", None, 10),
        ("promotion.update", 10, 15),
        ("promotion.delete", 15, None),
    ]  # the refused second create left no entry


def test_webhook_changes_through_the_api_are_audited_by_the_notifications_service(office):
    admin = office.admin_token
    r = api(office, "POST", "/api/webhooks", admin, json={"url": "http://127.0.0.1:9/hook", "events": ["order.placed"]})
    assert r.status_code == 201, r.text
    endpoint = r.json()["id"]
    assert api(office, "PATCH", f"/api/webhooks/{endpoint}", admin, json={"enabled": False}).status_code == 200
    assert api(office, "DELETE", f"/api/webhooks/{endpoint}", admin).status_code == 204
    assert api(office, "DELETE", f"/api/webhooks/{endpoint}", admin).status_code == 404
    assert trail(office, "webhook", endpoint) == [
        ("webhook.create", {}, {"url": "http://127.0.0.1:9/hook", "events": "order.placed"}),
        ("webhook.disable", {"enabled": True}, {"enabled": False}),
        ("webhook.delete", {"url": "http://127.0.0.1:9/hook"}, {"deleted": True}),
    ]
