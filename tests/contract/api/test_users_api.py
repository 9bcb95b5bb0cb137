"""The users API: own profile and addresses, the admin's list, strict bodies, and profiles from events."""

from __future__ import annotations

import uuid

import pytest
import requests

import services.auth
import services.users
from common.messaging.events import make_event
from common.messaging.messages import UserRegistered
from common.settings import load_settings
from services.users import service
from services.users.consumers import handlers
from services.users.deps import deps as users_deps
from services.users.repository import MAX_ADDRESSES
from tests.support.servers import serving

ADMIN = {"email": "admin@example.com", "password": "admin-password-1"}
ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "12 Analytical Row",
    "city": "London",
    "postal_code": "N1 9GU",
    "country": "gb",
}


@pytest.fixture(scope="module")
def auth_url(redis_url, tmp_path_factory):
    app = services.auth.create_app(
        {
            "redis_url": redis_url,
            "run_workers": False,
            "keys_dir": str(tmp_path_factory.mktemp("keys")),
            "admin_email": ADMIN["email"],
            "admin_password": ADMIN["password"],
        }
    )
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def app(redis_url, auth_url):
    urls = {**load_settings("test").service_urls, "auth": auth_url}
    return services.users.create_app({"redis_url": redis_url, "run_workers": False, "service_urls": urls})


def _register(auth_url, name="Ada Tester") -> dict:
    address = f"ada-{uuid.uuid4().hex}@example.com"
    r = requests.post(
        f"{auth_url}/api/auth/register", json={"email": address, "password": "secret-pass-1", "name": name}, timeout=10
    )
    body = r.json()
    return {"id": body["user"]["id"], "email": address, "headers": {"Authorization": f"Bearer {body['access_token']}"}}


@pytest.fixture()
def user(auth_url):
    return _register(auth_url)


@pytest.fixture(scope="module")
def admin_headers(auth_url):
    r = requests.post(f"{auth_url}/api/auth/login", json=ADMIN, timeout=10)
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_my_profile_comes_from_my_token_even_before_the_event_arrives(client, user):
    r = client.get("/api/users/me", headers=user["headers"])
    assert r.status_code == 200
    assert (r.json["id"], r.json["email"], r.json["name"], r.json["phone"]) == (
        user["id"],
        user["email"],
        "Ada Tester",
        None,
    )


@pytest.mark.parametrize("path", ["/api/users/me", "/api/users/me/addresses", "/api/users"])
def test_without_a_token_every_endpoint_is_401(client, path):
    r = client.get(path)
    assert r.status_code == 401 and r.json["error"] == "AUTH_REQUIRED"


def test_a_forged_token_is_401(client):
    r = client.get("/api/users/me", headers={"Authorization": "Bearer a.b.c"})
    assert r.status_code == 401


def test_editing_my_name_and_phone(client, user):
    r = client.patch("/api/users/me", json={"name": "Ada King", "phone": "+44 20 7946 0958"}, headers=user["headers"])
    assert r.status_code == 200 and (r.json["name"], r.json["phone"]) == ("Ada King", "+442079460958")
    assert client.get("/api/users/me", headers=user["headers"]).json["name"] == "Ada King"
    local = client.patch("/api/users/me", json={"phone": "415 555-2671"}, headers=user["headers"])
    assert local.json["phone"] == "+14155552671"  # no country code: the shop's home country, stored as E.164
    cleared = client.patch("/api/users/me", json={"phone": ""}, headers=user["headers"])
    assert cleared.json["phone"] is None and cleared.json["name"] == "Ada King"


@pytest.mark.parametrize(
    "body,field",
    [
        ({"name": ""}, "name"),
        ({"name": "n" * 101}, "name"),
        ({"name": None}, "name"),
        ({"name": "tab\there"}, "name"),
        ({"phone": "call me"}, "phone"),
        ({"phone": "12"}, "phone"),
        ({"phone": "1" * 21}, "phone"),
        ({"phone": 5551234567}, "phone"),
        ({"phone": "+1 555 0100"}, "phone"),  # the right shape, but no such number (E.164 check)
        ({"phone": "+44 20 7946 09"}, "phone"),
        ({"name": {"$set": {"role": "admin"}}}, "name"),
        ({"email": "new@example.com"}, "email"),
        ({"role": "admin"}, "role"),
        ({}, "body"),
    ],
)
def test_a_bad_profile_change_is_422_naming_the_field(client, user, body, field):
    r = client.patch("/api/users/me", json=body, headers=user["headers"])
    assert r.status_code == 422 and field in r.json["details"]["fields"], r.json


def test_a_profile_body_that_is_not_an_object_is_400(client, user):
    r = client.patch("/api/users/me", data="[]", content_type="application/json", headers=user["headers"])
    assert r.status_code == 400


def test_adding_listing_and_deleting_an_address(client, user):
    created = client.post("/api/users/me/addresses", json=ADDRESS, headers=user["headers"])
    assert created.status_code == 201
    assert created.json == {**ADDRESS, "country": "GB", "id": created.json["id"]}
    items = client.get("/api/users/me/addresses", headers=user["headers"]).json["items"]
    assert [a["id"] for a in items] == [created.json["id"]]
    gone = client.delete(f"/api/users/me/addresses/{created.json['id']}", headers=user["headers"])
    assert gone.status_code == 204
    assert client.get("/api/users/me/addresses", headers=user["headers"]).json["items"] == []
    again = client.delete(f"/api/users/me/addresses/{created.json['id']}", headers=user["headers"])
    assert again.status_code == 404


@pytest.mark.parametrize(
    "change,field",
    [
        ({"country": "GBR"}, "country"),
        ({"country": "1A"}, "country"),
        ({"postal_code": "!!"}, "postal_code"),
        ({"line1": ""}, "line1"),
        ({"city": "c" * 101}, "city"),
        ({"name": {"$ne": ""}}, "name"),
        ({"country": None}, "country"),
        ({"postal_code": 12345}, "postal_code"),
        ({"extra": "x"}, "extra"),
    ],
)
def test_a_bad_address_is_422_naming_the_field(client, user, change, field):
    r = client.post("/api/users/me/addresses", json={**ADDRESS, **change}, headers=user["headers"])
    assert r.status_code == 422 and field in r.json["details"]["fields"]


@pytest.mark.parametrize("code", ["XX", "zz", "UK"])
def test_an_unknown_country_code_is_refused_naming_the_code(client, user, code):
    r = client.post("/api/users/me/addresses", json={**ADDRESS, "country": code}, headers=user["headers"])
    assert r.status_code == 422 and f"'{code}' is not an ISO 3166-1 alpha-2" in r.json["details"]["fields"]["country"]


def test_a_missing_address_field_is_422(client, user):
    body = {k: v for k, v in ADDRESS.items() if k != "city"}
    r = client.post("/api/users/me/addresses", json=body, headers=user["headers"])
    assert r.status_code == 422 and "city" in r.json["details"]["fields"]


def test_the_address_book_is_bounded(client, user):
    for i in range(MAX_ADDRESSES):
        assert (
            client.post(
                "/api/users/me/addresses", json={**ADDRESS, "line1": f"{i} Row"}, headers=user["headers"]
            ).status_code
            == 201
        )
    r = client.post("/api/users/me/addresses", json=ADDRESS, headers=user["headers"])
    assert r.status_code == 409 and r.json["error"] == "ADDRESS_LIMIT"


def test_nobody_sees_or_deletes_another_customers_addresses(client, auth_url):
    ada, bob = _register(auth_url), _register(auth_url, name="Bob")
    address = client.post("/api/users/me/addresses", json=ADDRESS, headers=ada["headers"]).json
    assert client.get("/api/users/me/addresses", headers=bob["headers"]).json["items"] == []
    assert client.delete(f"/api/users/me/addresses/{address['id']}", headers=bob["headers"]).status_code == 404
    assert len(client.get("/api/users/me/addresses", headers=ada["headers"]).json["items"]) == 1


def test_a_customer_gets_403_on_the_user_list(client, user):
    r = client.get("/api/users", headers=user["headers"])
    assert r.status_code == 403 and r.json["error"] == "FORBIDDEN"


def test_an_admin_lists_users_page_by_page(client, admin_headers, auth_url):
    for _ in range(3):
        client.get("/api/users/me", headers=_register(auth_url)["headers"])
    page = client.get("/api/users?per_page=2&page=1", headers=admin_headers).json
    assert page["per_page"] == 2 and len(page["items"]) == 2 and page["total"] >= 3 and page["pages"] >= 2
    assert {"id", "email", "name", "role"} <= set(page["items"][0])


@pytest.mark.parametrize("query", ["page=0", "per_page=10000", "page=abc", "per_page=-1"])
def test_bad_paging_of_the_user_list_is_422(client, admin_headers, query):
    assert client.get(f"/api/users?{query}", headers=admin_headers).status_code == 422


def test_user_registered_creates_the_profile_once_however_often_it_arrives(app):
    repo = users_deps(app).repo
    uid = uuid.uuid4().hex
    event = make_event(
        "user.registered", {"user_id": uid, "email": f"{uid}@example.com", "name": "Eve", "role": "customer"}, "auth"
    )
    service.profile_from_event(repo, UserRegistered.parse(event))
    repo.update(uid, {"phone": "+1 555 0100"})
    replay = make_event("user.registered", {**event.data, "name": "Eve Replayed"}, "auth")
    for e in (event, event, replay):
        service.profile_from_event(repo, UserRegistered.parse(e))
    assert repo.profiles.count_documents({"_id": uid}) == 1
    doc = repo.get(uid)
    assert (doc["name"], doc["phone"]) == ("Eve", "+1 555 0100")  # a replay never overwrites later changes


def test_a_confirmed_email_shows_on_the_profile_while_it_is_the_profiles_address(app, client, user):
    uid, email = user["id"], user["email"]
    on = handlers(users_deps(app).repo, None)
    on["user.registered"](make_event("user.registered", {"user_id": uid, "email": email, "name": "Ada"}, "auth"))
    assert client.get("/api/users/me", headers=user["headers"]).json["email_verified"] is False
    on["account.email_verified"](make_event("account.email_verified", {"user_id": uid, "email": "old@x.com"}, "auth"))
    assert client.get("/api/users/me", headers=user["headers"]).json["email_verified"] is False
    on["account.email_verified"](make_event("account.email_verified", {"user_id": uid, "email": email}, "auth"))
    assert client.get("/api/users/me", headers=user["headers"]).json["email_verified"] is True


def test_the_profile_follows_the_accounts_email_changes_and_a_late_replay_never_undoes_an_undo(app, client, user):
    uid, email = user["id"], user["email"]
    on = handlers(users_deps(app).repo, None)
    on["user.registered"](make_event("user.registered", {"user_id": uid, "email": email, "name": "Ada"}, "auth"))
    new = f"new-{uid}@example.com"
    at = "2026-12-05T12:00:00+00:00"
    changed = make_event(
        "account.email_changed",
        {"user_id": uid, "old_email": email, "new_email": new, "version": 1, "changed_at": at, "undo_url": "u"},
        "auth",
    )
    on["account.email_changed"](changed)
    me = client.get("/api/users/me", headers=user["headers"]).json
    assert (me["email"], me["email_verified"]) == (new, True)  # confirmed by its link
    undone = make_event(
        "account.email_changed",
        {"user_id": uid, "old_email": new, "new_email": email, "email_verified": False, "version": 2}
        | {"changed_at": at, "undone": True},
        "auth",
    )
    for event in (undone, changed):  # the change redelivered after its undo
        on["account.email_changed"](event)
    me = client.get("/api/users/me", headers=user["headers"]).json
    assert (me["email"], me["email_verified"]) == (email, False)


def test_the_openapi_document_lists_the_users_paths(client):
    paths = client.get("/openapi.json").json["paths"]
    assert {"/api/users/me", "/api/users/me/addresses", "/api/users/me/addresses/{address_id}", "/api/users"} <= set(
        paths
    )
