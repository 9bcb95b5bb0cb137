"""/styleguide renders every partial and component macro in every sample state, with no service running."""

from __future__ import annotations

import re

import pytest

import shell
from common.app import TEMPLATES
from common.auth.session import ACCESS_COOKIE
from common.settings import load_settings
from services.products.seed import seed_documents
from shell.styleguide import email_entries, entries, template_macros
from shell.styleguide_samples import load
from tests.support.tokens import token_issuer

SKIPPED = ("emails", "styleguide")  # emails are not fragments; the gallery does not show itself
NOWHERE = "http://127.0.0.1:9"  # nothing listens: the gallery must never need a fragment app or a service


def _app(**config):
    urls = {n: NOWHERE for n in ("auth", "products", "cart", "checkout", "profile")}
    return shell.create_app({"fragment_urls": urls, "gateway_url": NOWHERE, **config})


@pytest.fixture(scope="module")
def client():
    return _app().test_client()


@pytest.fixture(scope="module")
def all_entries():
    with _app().test_request_context():
        return entries()


def _partials() -> set[str]:
    return {
        p.relative_to(TEMPLATES).as_posix()
        for p in TEMPLATES.rglob("_*.html")
        if p.relative_to(TEMPLATES).parts[0] not in SKIPPED
    }


def _samples():
    with _app().test_request_context():
        return load()


def test_every_partial_has_sample_states_and_every_sample_names_a_partial():
    samples = _samples()
    assert _partials() - set(samples.partials) == set(), "add a <partial>.samples.yaml beside each missing partial"
    assert set(samples.partials) - _partials() == set(), "samples for partials that no longer exist"
    assert all(samples.partials.values()), "every partial needs at least one state"


def test_no_python_is_left_among_the_templates():
    assert sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.py")) == []


def test_a_sample_stock_line_is_the_products_view_s_at_the_configured_level():
    """The sample with 2 units left says what the product pages say: 'Only 2 left' at the default level, and
    'In stock' where LOW_STOCK_LEVEL is 1 (the samples once copied the view's helper with the level fixed at 5)."""
    low = _samples().shared["low"]["stock"]
    with _app(low_stock_level=1).test_request_context():
        relaxed = load().shared["low"]["stock"]
    assert (low["label"], relaxed["label"]) == ("Only 2 left", "In stock")


def test_every_component_macro_has_sample_states():
    samples = _samples()
    with _app().test_request_context():
        for path in sorted((TEMPLATES / "components").glob("*.html")):
            name = path.relative_to(TEMPLATES).as_posix()
            assert set(samples.macros.get(name, {})) == set(template_macros(name)), f"macros of {name}"


def test_every_entry_renders_alone_in_the_layout(client, all_entries):
    for entry in all_entries:
        resp = client.get(entry.url)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200, f"{entry.url}: {resp.status_code}"
        assert html.startswith("<!doctype html>") and 'id="styleguide-entry"' in html, entry.url
        assert "fallback" not in html or entry.template == "shell/_fallback.html", entry.url


def test_the_gallery_shows_every_state_at_once(client, all_entries):
    html = client.get("/styleguide").get_data(as_text=True)
    assert html.count('class="sg-state"') == len(all_entries)
    for needed in (
        "Only 2 left",
        "Out of stock",
        "Your cart is empty.",
        "Your card was declined.",
        "Retry",
        "Sign out",
        "Sign in",
        'aria-invalid="true"',
        "Confirmed",
        "Shipped",
        "Delivered",
        "Cancelled",
        "Processing",
        "Card declined",
    ):
        assert needed in html, needed


def test_the_gallery_stays_put_with_and_without_javascript(client):
    # The pending order status polls and, without JS, reloads the page each second. A sample must do neither:
    # a designer's gallery would reload under them, and a browser test on it would lose its page mid-check.
    html = client.get("/styleguide").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in html and 'hx-trigger="every' not in html
    assert "order-status-pending" in html  # the pending look is still shown


def test_every_order_status_has_a_state_where_orders_are_shown(all_entries):
    statuses = {"PENDING", "AWAITING_PAYMENT", "CONFIRMED", "SHIPPED", "DELIVERED", "REJECTED", "CANCELLED"}
    for template in ("checkout/_status.html", "checkout/_confirmation.html", "profile/_orders_detail.html"):
        shown = {e.context["order"]["status"] for e in all_entries if e.template == template}
        assert shown == statuses, template


def test_the_back_office_shows_every_button_set_and_every_refusal(client, all_entries):
    shown = {e.context["order"]["status"] for e in all_entries if e.template == "admin/_order_detail.html"}
    assert {"CONFIRMED", "SHIPPED", "DELIVERED", "CANCELLED"} <= shown
    html = client.get("/styleguide").get_data(as_text=True)
    for needed in (
        "Mark shipped",
        "Mark delivered",
        "Cancel and refund",
        "Make admin",
        "Remove admin",
        "Replay",
        "Discard",
        "Save stock",
        "Save product",
        "Delete product",
        "New product",
        "Event history",
        "stock cannot go below zero",
        "This is the last admin",
        "No admin actions yet.",
        "—",
    ):
        assert needed in html, needed


def test_state_urls_are_unique_and_an_unknown_one_is_404(client, all_entries):
    urls = [e.url for e in all_entries]
    assert len(urls) == len(set(urls)) and all(re.fullmatch(r"/styleguide/[\w/.-]+/[a-z0-9-]+", u) for u in urls)
    assert client.get("/styleguide/products/_detail/no-such-state").status_code == 404


def test_a_broken_template_fails_the_render(client, all_entries, tmp_path, monkeypatch):
    entry = next(e for e in all_entries if e.template == "cart/_mini.html")
    original = (TEMPLATES / entry.template).read_text()
    app = _app(live_templates=True)
    app.config["TEMPLATES_AUTO_RELOAD"] = True
    app.jinja_env.auto_reload = True
    try:
        (TEMPLATES / entry.template).write_text(original + "{{ count.no_such() }}")
        assert app.test_client().get(entry.url).status_code == 500
    finally:
        (TEMPLATES / entry.template).write_text(original)


@pytest.fixture(scope="module")
def issuer_urls():
    with token_issuer() as issuer:
        yield issuer


def test_outside_local_mode_guests_sign_in_customers_are_refused_and_admins_see_it(issuer_urls):
    app = _app(local_mode=False, gateway_url=issuer_urls.url)
    guest = app.test_client()
    resp = guest.get("/styleguide")
    assert resp.status_code == 303 and resp.headers["Location"] == "/login?next=/styleguide"
    customer = app.test_client()
    customer.set_cookie(ACCESS_COOKIE, issuer_urls.token(role="customer"))
    assert customer.get("/styleguide").status_code == 403
    admin = app.test_client()
    admin.set_cookie(ACCESS_COOKIE, issuer_urls.token(role="admin"))
    assert admin.get("/styleguide/cart/_mini/empty").status_code == 200


def test_outside_local_mode_the_admin_check_asks_the_gateway_never_the_auth_service(issuer_urls):
    """The k8s NetworkPolicy lets only the gateway and the services reach a service (devstack/k8s_policies.py):
    with the auth service unreachable and the gateway serving the JWKS, an admin still sees the style guide."""
    services = dict.fromkeys(load_settings("test").service_urls, NOWHERE)  # no service answers, auth included
    app = _app(local_mode=False, gateway_url=issuer_urls.url, service_urls=services)
    admin = app.test_client()
    admin.set_cookie(ACCESS_COOKIE, issuer_urls.token(role="admin"))
    assert admin.get("/styleguide/cart/_mini/empty").status_code == 200


def test_the_galleries_sample_products_are_products_of_the_local_catalog_so_their_links_lead_somewhere():
    seeded = {doc["_id"]: doc["sku"] for doc, _ in seed_documents()}
    samples = _samples()
    for product in samples.shared["products"]:
        assert seeded.get(product["id"]) == product["sku"], product["id"]


def test_every_email_has_sample_states_and_every_sample_names_an_email():
    emails = {p.name.removesuffix(".subject.txt") for p in (TEMPLATES / "emails").glob("*.subject.txt")}
    assert set(_samples().emails) == emails


def test_the_email_page_shows_each_email_with_its_subject_and_text_and_its_html_alone(client):
    with _app().test_request_context():
        rendered = email_entries()  # StrictUndefined: a sample missing a template's data fails here
    html = client.get("/styleguide/emails").get_data(as_text=True)
    assert html.count('class="sg-state"') == len(rendered) >= 15
    for entry, email in rendered:
        assert email.subject in html or email.subject.replace("'", "&#39;") in html, entry.url
        resp = client.get(entry.url)
        assert resp.status_code == 200 and resp.mimetype == "text/html", entry.url
        assert resp.get_data(as_text=True) == email.html
        assert "style-src 'unsafe-inline'" in resp.headers["Content-Security-Policy"]
        assert "script-src" not in resp.headers["Content-Security-Policy"]  # default-src 'none': no script at all
    assert client.get("/styleguide/emails/welcome/no-such-state").status_code == 404
    assert client.get("/styleguide/emails/../../etc/passwd/x").status_code == 404


def test_a_mistyped_sample_is_refused_with_the_file_and_what_was_expected(tmp_path):
    from shell.styleguide_samples import Resolver, parse, states_of

    bad = tmp_path / "_bad.samples.yaml"
    bad.write_text("- name: Empty\n  context: {}\n")
    with pytest.raises(ValueError, match=r"_bad\.samples\.yaml: each state is \{state: name"):
        states_of(parse(bad), bad)
    bad.write_text("- state: Empty\n  context: {stock: !call [stok, 2]}\n")
    with _app().test_request_context(), pytest.raises(LookupError, match="!call 'stok'"):
        Resolver({})(states_of(parse(bad), bad))
