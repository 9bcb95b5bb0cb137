"""The back office's orders: the search and summary APIs, the order page, ship, deliver, cancel with refund."""

from __future__ import annotations

import uuid

import pytest
import requests

from services.orders import states
from services.orders.deps import deps as orders_deps
from tests.support.accounts_apps import new_user
from tests.support.admin_apps import CSRF, back_office_fixture, browser, deliver_admin_actions

office = back_office_fixture()
ADDRESS = {"name": "Ada", "line1": "1 Main St", "city": "Springfield", "postal_code": "12345", "country": "US"}


@pytest.fixture()
def admin_client(office):
    return browser(office.admin_app, office.admin_token)


@pytest.fixture(scope="module")
def shopper(office) -> dict:
    return new_user(office.gateway)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def place(office, shopper) -> dict:
    products = requests.get(f"{office.gateway}/api/products", params={"per_page": 1}, timeout=5).json()["items"]
    body = {
        "address": ADDRESS,
        "phone": "+1 555 0100",
        "lines": [{"product_id": products[0]["id"], "quantity": 1}],
    }
    r = requests.post(
        f"{office.gateway}/api/orders",
        json=body,
        timeout=5,
        headers={**bearer(shopper["access_token"]), "Idempotency-Key": f"k-{uuid.uuid4().hex}"},
    )
    assert r.status_code == 202, r.text
    return r.json()


@pytest.fixture()
def confirmed(office, shopper) -> dict:
    """An order the saga has confirmed (workers are off here, so the test moves it as the consumers would)."""
    order = place(office, shopper)
    repo = orders_deps(office.apps["orders"]).repo
    assert repo.transition(
        order["id"],
        states.PENDING,
        [states.AWAITING_PAYMENT, states.CONFIRMED],
        fields={"payment": {"status": "succeeded"}},
    )
    return order


def outbox_types(office, order_id) -> list[str]:
    doc = orders_deps(office.apps["orders"]).repo.orders.find_one({"_id": order_id})
    return [e["type"] for e in doc.get("_outbox", []) if e["type"] != "admin.action"]


def test_the_summary_counts_todays_orders_by_status_and_the_paid_revenue(office, shopper, confirmed):
    summary = requests.get(f"{office.gateway}/api/orders/summary", headers=bearer(office.admin_token), timeout=5).json()
    assert summary["by_status"]["CONFIRMED"] >= 1 and summary["revenue"] >= confirmed["total"] > 0


def test_the_search_filters_by_status_date_and_email(office, shopper, confirmed):
    def search(**params):
        return requests.get(
            f"{office.gateway}/api/orders/all", params=params, headers=bearer(office.admin_token), timeout=5
        )

    ids = [o["id"] for o in search(email=shopper["email"].upper()).json()["items"]]
    assert confirmed["id"] in ids
    assert confirmed["id"] in [o["id"] for o in search(status="CONFIRMED").json()["items"]]
    assert confirmed["id"] not in [o["id"] for o in search(status="SHIPPED").json()["items"]]
    assert search(date="2001-01-01").json()["total"] == 0
    assert search(email=".*").json()["total"] == 0  # a pattern is taken literally
    for bad in ({"status": "NOPE"}, {"date": "yesterday"}, {"page": "0"}, {"email": "x" * 300}):
        assert search(**bad).status_code == 422


def test_the_order_admin_apis_refuse_a_guest_and_a_customer(office, shopper, confirmed):
    for method, path in (
        ("GET", "/api/orders/summary"),
        ("GET", "/api/orders/all"),
        ("POST", f"/api/orders/{confirmed['id']}/ship"),
        ("POST", f"/api/orders/{confirmed['id']}/deliver"),
    ):
        assert requests.request(method, f"{office.gateway}{path}", timeout=5).status_code == 401
        assert (
            requests.request(
                method, f"{office.gateway}{path}", headers=bearer(shopper["access_token"]), timeout=5
            ).status_code
            == 403
        )


def test_the_list_page_filters_and_links_to_each_order(admin_client, shopper, confirmed):
    html = admin_client.get("/orders", query_string={"email": shopper["email"], "status": "CONFIRMED"}).get_data(
        as_text=True
    )
    assert f'href="/admin/orders/{confirmed["id"]}"' in html and ">Status</label>" in html


@pytest.mark.parametrize("query", [{"date": "31/12/2020"}, {"status": "<b>"}])
def test_a_bad_filter_is_shown_beside_its_field(admin_client, query):
    r = admin_client.get("/orders", query_string=query)
    assert r.status_code == 422 and "field-error" in r.get_data(as_text=True) and "<b>" not in r.get_data(as_text=True)


def test_shipping_then_delivering_moves_the_order_and_queues_the_events(office, admin_client, confirmed):
    page = admin_client.get(f"/orders/{confirmed['id']}").get_data(as_text=True)
    assert "Mark shipped" in page and "Cancel and refund" in page and "Mark delivered" not in page
    assert "Event history" in page and "Paid and confirmed" in page and "Order placed" in page
    parcel = {"carrier": "ups", "tracking_number": "1Z 999 AA1 0123456784"}
    r = admin_client.post(f"/orders/{confirmed['id']}/ship", data={"csrf_token": CSRF, **parcel})
    assert r.status_code == 303 and r.headers["Location"] == f"/admin/orders/{confirmed['id']}?done=ship"
    deliver_admin_actions(office)  # the orders service wrote the audit entry with the change; the trail keeps it
    page = admin_client.get(r.headers["Location"].removeprefix("/admin")).get_data(as_text=True)
    assert "Order marked shipped." in page and "Mark delivered" in page and "Mark shipped" not in page
    assert 'href="https://www.ups.com/track?tracknum=1Z999AA10123456784"' in page and "Shipped with UPS" in page
    doc = orders_deps(office.apps["orders"]).repo.orders.find_one({"_id": confirmed["id"]})
    shipped = next(e for e in doc["_outbox"] if e["type"] == "order.shipped")
    assert shipped["data"]["shipment"]["tracking_number"] == parcel["tracking_number"]
    assert "order.ship" in page  # the audit trail
    assert admin_client.post(f"/orders/{confirmed['id']}/deliver", data={"csrf_token": CSRF}).status_code == 303
    assert outbox_types(office, confirmed["id"])[-2:] == ["order.shipped", "order.delivered"]
    assert "Delivered" in admin_client.get(f"/orders/{confirmed['id']}").get_data(as_text=True)


def test_the_order_page_shows_where_to_ship_and_how_to_reach_the_customer(admin_client, shopper, confirmed):
    html = admin_client.get(f"/orders/{confirmed['id']}").get_data(as_text=True)
    assert "Ship to" in html and "1 Main St" in html and "12345 Springfield" in html and "United States" in html
    assert f'href="mailto:{shopper["email"]}"' in html and 'href="tel:+15550100"' in html and "+1 555 0100" in html


def test_an_action_the_state_machine_refuses_says_why(admin_client, confirmed):
    r = admin_client.post(f"/orders/{confirmed['id']}/deliver", data={"csrf_token": CSRF})
    assert r.status_code == 409 and "Only a shipped order can be marked delivered" in r.get_data(as_text=True)


def test_cancel_and_refund_cancels_in_the_shops_name_and_announces_it(office, admin_client, confirmed):
    asked = admin_client.post(
        f"/orders/{confirmed['id']}/cancel", data={"csrf_token": CSRF}, headers={"HX-Request": "true"}
    )
    assert asked.status_code == 200 and "Yes, cancel and refund" in asked.get_data(as_text=True)
    assert orders_deps(office.apps["orders"]).repo.get(confirmed["id"])["status"] == "CONFIRMED"  # only asked
    r = admin_client.post(
        f"/orders/{confirmed['id']}/cancel",
        data={"csrf_token": CSRF, "confirmed": "yes"},
        headers={"HX-Request": "true"},
    )
    assert r.headers["HX-Redirect"] == f"/admin/orders/{confirmed['id']}?done=cancel"
    order = orders_deps(office.apps["orders"]).repo.get(confirmed["id"])
    assert (order["status"], order["reason"]) == ("CANCELLED", "shop")
    doc = orders_deps(office.apps["orders"]).repo.orders.find_one({"_id": confirmed["id"]})
    cancelled = next(e for e in reversed(doc["_outbox"]) if e["type"] != "admin.action")
    assert cancelled["type"] == "order.cancelled" and cancelled["data"]["paid"] is True  # payments refunds it
    html = admin_client.get(f"/orders/{confirmed['id']}").get_data(as_text=True)
    assert "Cancelled by the shop" in html and "Cancel and refund" not in html


@pytest.mark.parametrize("bad", ["nope", "$ne", "a" * 65])
def test_an_unknown_order_is_404(admin_client, bad):
    assert admin_client.get(f"/orders/{bad}").status_code == 404


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"carrier": "", "tracking_number": "1Z999"}, "carrier"),
        ({"carrier": "pigeon", "tracking_number": "1Z999"}, "carrier"),
        ({"carrier": "ups", "tracking_number": ""}, "tracking_number"),
        ({"carrier": "ups", "tracking_number": "<script>x</script>"}, "tracking_number"),
        ({"carrier": "ups", "tracking_number": '{"$ne": 1}'}, "tracking_number"),
        ({"carrier": "ups", "tracking_number": "9" * 41}, "tracking_number"),
    ],
)
def test_mark_shipped_without_a_carrier_or_tracking_number_is_refused_beside_the_field(
    admin_client, confirmed, form, field
):
    for headers in ({}, {"HX-Request": "true"}):
        r = admin_client.post(f"/orders/{confirmed['id']}/ship", data={"csrf_token": CSRF, **form}, headers=headers)
        html = r.get_data(as_text=True)
        assert r.status_code == 422 and f'id="ship-{field}-error"' in html and "<script>x" not in html
    assert "Mark shipped" in admin_client.get(f"/orders/{confirmed['id']}").get_data(as_text=True)  # still confirmed


def test_the_ship_api_refuses_an_unknown_carrier_and_a_bad_tracking_number(office, confirmed):
    for body in ({"carrier": "pigeon", "tracking_number": "123"}, {"carrier": "ups", "tracking_number": ["1"]}):
        r = requests.post(
            f"{office.gateway}/api/orders/{confirmed['id']}/ship",
            json=body,
            headers=bearer(office.admin_token),
            timeout=5,
        )
        assert r.status_code == 422 and r.json()["error"] == "VALIDATION_ERROR"
