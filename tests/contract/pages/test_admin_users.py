"""The back office's customers: the accounts API (auth service) and the pages; the last admin keeps the role."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.support.accounts_apps import ADMIN, new_user
from tests.support.admin_apps import CSRF, back_office_fixture, browser, deliver_admin_actions, sign_in

office = back_office_fixture()


@pytest.fixture()
def admin_client(office):
    return browser(office.admin_app, office.admin_token)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def set_role(office, account_id, role, token=None):
    return requests.put(
        f"{office.gateway}/api/auth/accounts/{account_id}/role",
        json={"role": role},
        headers=bearer(token or office.admin_token),
        timeout=10,
    )


def admin_id(office) -> str:
    found = requests.get(
        f"{office.gateway}/api/auth/accounts",
        params={"q": ADMIN["email"]},
        headers=bearer(office.admin_token),
        timeout=5,
    ).json()
    return found["items"][0]["id"]


def test_accounts_are_searched_literally_by_email_or_name(office):
    user = new_user(office.gateway, name="Searchable Person")
    found = requests.get(
        f"{office.gateway}/api/auth/accounts",
        params={"q": user["email"].upper()},
        headers=bearer(office.admin_token),
        timeout=5,
    ).json()
    assert [a["id"] for a in found["items"]] == [user["id"]] and found["items"][0]["role"] == "customer"
    literal = requests.get(
        f"{office.gateway}/api/auth/accounts", params={"q": ".*"}, headers=bearer(office.admin_token), timeout=5
    ).json()
    assert literal["total"] == 0 and "password_hash" not in str(found)


def test_the_accounts_api_refuses_a_guest_and_a_customer(office):
    user = new_user(office.gateway)
    for method, path, body in (
        ("GET", "/api/auth/accounts", None),
        ("GET", f"/api/auth/accounts/{user['id']}", None),
        ("PUT", f"/api/auth/accounts/{user['id']}/role", {"role": "admin"}),
    ):
        assert requests.request(method, f"{office.gateway}{path}", json=body, timeout=5).status_code == 401
        assert (
            requests.request(
                method, f"{office.gateway}{path}", json=body, headers=bearer(user["access_token"]), timeout=5
            ).status_code
            == 403
        )


@pytest.mark.parametrize("body", [{"role": "root"}, {"role": {"$ne": "x"}}, {}, {"role": "admin", "x": 1}])
def test_a_bad_role_is_422(office, body):
    user = new_user(office.gateway)
    r = requests.put(
        f"{office.gateway}/api/auth/accounts/{user['id']}/role",
        json=body,
        headers=bearer(office.admin_token),
        timeout=5,
    )
    assert r.status_code == 422


def test_the_last_admin_cannot_lose_the_role_but_one_of_two_can(office):
    me = admin_id(office)
    r = set_role(office, me, "customer")
    assert r.status_code == 409 and r.json()["error"] == "LAST_ADMIN"
    other = new_user(office.gateway)
    assert set_role(office, other["id"], "admin").json()["after"]["role"] == "admin"
    other_token = sign_in(office.gateway, other["email"], other["password"])
    assert set_role(office, other["id"], "customer", other_token).status_code == 200  # one of two may step down
    assert set_role(office, me, "customer").status_code == 409


def test_four_admins_stepping_down_at_once_leave_exactly_one(office):
    me = admin_id(office)
    others = [new_user(office.gateway) for _ in range(3)]
    for o in others:
        assert set_role(office, o["id"], "admin").status_code == 200
    tokens = {me: office.admin_token, **{o["id"]: sign_in(office.gateway, o["email"], o["password"]) for o in others}}
    with ThreadPoolExecutor(4) as pool:
        statuses = dict(
            zip(tokens, pool.map(lambda i: set_role(office, i, "customer", tokens[i]).status_code, tokens), strict=True)
        )
    assert sorted(statuses.values()) == [200, 200, 200, 409]
    [survivor] = [i for i, status in statuses.items() if status == 409]
    admins = requests.get(
        f"{office.gateway}/api/auth/accounts", params={"role": "admin"}, headers=bearer(tokens[survivor]), timeout=5
    ).json()
    assert [a["id"] for a in admins["items"]] == [survivor] and admins["admins"] == 1
    if survivor != me:  # the shared admin must be the one admin again for the other tests
        assert set_role(office, me, "admin", tokens[survivor]).status_code == 200
        assert set_role(office, survivor, "customer").status_code == 200


def test_a_token_issued_before_the_role_was_taken_cannot_change_roles(office):
    other = new_user(office.gateway)
    assert set_role(office, other["id"], "admin").status_code == 200
    token = sign_in(office.gateway, other["email"], other["password"])
    assert set_role(office, other["id"], "customer").status_code == 200
    assert set_role(office, other["id"], "admin", token).status_code == 403


def test_the_pages_list_customers_and_change_a_role_with_an_audit_entry(office, admin_client):
    user = new_user(office.gateway)
    html = admin_client.get("/users", query_string={"q": user["email"]}).get_data(as_text=True)
    assert user["email"] in html and "Make admin" in html
    r = admin_client.post(f"/users/{user['id']}/role", data={"csrf_token": CSRF, "role": "admin"})
    assert r.status_code == 303 and r.headers["Location"] == f"/admin/users/{user['id']}?done=admin"
    deliver_admin_actions(office)
    page = admin_client.get(f"/users/{user['id']}?done=admin").get_data(as_text=True)
    assert "They are now an admin." in page and "Remove admin" in page and "user.grant_admin" in page
    assert "Orders (0)" in page
    asked = admin_client.post(f"/users/{user['id']}/role", data={"csrf_token": CSRF, "role": "customer"})
    assert asked.status_code == 200 and "Yes, remove admin" in asked.get_data(as_text=True)
    done = admin_client.post(
        f"/users/{user['id']}/role", data={"csrf_token": CSRF, "role": "customer", "confirmed": "yes"}
    )
    assert done.status_code == 303


def test_the_page_says_why_the_last_admin_keeps_the_role(office, admin_client):
    admins = requests.get(
        f"{office.gateway}/api/auth/accounts", params={"role": "admin"}, headers=bearer(office.admin_token), timeout=5
    ).json()
    assert admins["total"] == 1
    r = admin_client.post(
        f"/users/{admin_id(office)}/role", data={"csrf_token": CSRF, "role": "customer", "confirmed": "yes"}
    )
    assert r.status_code == 409 and "last admin" in r.get_data(as_text=True)


@pytest.mark.parametrize("bad", ["nope", "$ne", "0" * 33])
def test_an_unknown_account_is_404(admin_client, bad):
    assert admin_client.get(f"/users/{bad}").status_code == 404
