"""The back office's access rules: admins only; a customer gets 403 everywhere, a guest is sent to sign in."""

from __future__ import annotations

import pytest

import fragments.admin
from services.auth.deps import deps as auth_deps
from tests.support.accounts_apps import ADMIN, new_user
from tests.support.admin_apps import CSRF, back_office_fixture, browser

office = back_office_fixture()
PAGES = [
    "/",
    "/products",
    "/products/new",
    "/inventory",
    "/orders",
    "/users",
    "/events",
    "/shipping",
    "/tax",
    "/promotions",
]


@pytest.fixture(scope="module")
def customer(office) -> str:
    return new_user(office.gateway)["access_token"]


def fragment_routes(app) -> list[tuple[str, str]]:
    """Every route of the admin fragment, with made-up path arguments, by method."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule in ("/healthz", "/readyz", "/metrics"):
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<{arg}>", "x1").replace(f"<path:{arg}>", "x1")
        routes += [(m, path) for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


def test_a_guest_is_sent_to_sign_in_and_back_to_the_page(office):
    r = browser(office.admin_app, None).get("/inventory")
    assert r.status_code == 303 and r.headers["Location"] == "/login?next=/admin/inventory"
    htmx = browser(office.admin_app, None).get("/", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/login?next=/admin"


def test_a_garbage_token_is_a_guest(office):
    r = browser(office.admin_app, "not-a-token").get("/")
    assert r.status_code == 303 and r.headers["Location"].startswith("/login")


def test_a_customer_gets_403_on_every_fragment_route(office, customer):
    client = browser(office.admin_app, customer)
    routes = fragment_routes(office.admin_app)
    assert routes
    for method, path in routes:
        r = client.open(path, method=method, data={"csrf_token": CSRF})
        assert r.status_code == 403, (method, path, r.status_code)
        assert "for shop staff only" in r.get_data(as_text=True)


@pytest.mark.parametrize("page", PAGES)
def test_a_customer_gets_a_403_page_on_every_admin_url_of_the_shell(office, customer, page):
    client = browser(office.shell_app, customer)
    r = client.get("/admin" + page.rstrip("/"))
    html = r.get_data(as_text=True)
    assert r.status_code == 403 and html.startswith("<!doctype html>") and "for shop staff only" in html
    proxied = client.get("/f/admin" + page, headers={"HX-Request": "true"})
    assert proxied.status_code == 403


def test_a_guest_on_the_shell_is_redirected_to_sign_in(office):
    r = browser(office.shell_app, None).get("/admin/orders")
    assert r.status_code == 303 and r.headers["Location"] == "/login?next=/admin/orders"


def test_the_shell_never_shows_the_fragment_apps_probes_under_admin(office):
    for path in ("/admin/healthz", "/admin/metrics", "/admin/../metrics"):
        assert browser(office.shell_app, None).get(path).status_code == 404


def test_the_admin_signs_in_and_sees_the_dashboard(office):
    r = browser(office.shell_app, office.admin_token).get("/admin")
    html = r.get_data(as_text=True)
    assert r.status_code == 200, html
    for text in ("Dashboard", "Orders today", "Revenue today", "Low stock", "Dead letters", "Service health"):
        assert text in html
    assert "$0.00" in html and "users" in html  # no order yet today; the health table lists the upstreams


def test_with_admin_require_2fa_an_admin_without_two_factor_sign_in_is_sent_to_set_it_up(office):

    strict = fragments.admin.create_app(
        {"run_workers": False, "gateway_url": office.gateway, "admin_require_2fa": True}
    )
    r = browser(strict, office.admin_token).get("/orders")
    assert r.status_code == 303 and r.headers["Location"] == "/profile?two_factor=required#profile-two-factor"
    htmx = browser(strict, office.admin_token).post("/", headers={"HX-Request": "true"}, data={"csrf_token": CSRF})
    assert htmx.headers["HX-Redirect"].startswith("/profile?two_factor=required")
    auth = office.apps["auth"]
    with auth.app_context():
        account = auth_deps(auth).repo.by_email(ADMIN["email"])
        with_code = auth_deps(auth).tokens.issue({**account, "two_factor": True})["access_token"]
    assert browser(strict, with_code).get("/orders").status_code == 200
    assert browser(office.admin_app, office.admin_token).get("/orders").status_code == 200  # off by default
