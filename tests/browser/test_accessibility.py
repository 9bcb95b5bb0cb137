"""axe-core over every storefront page and every styleguide entry, with JavaScript on: no serious or critical
violation, landmarks and headings right on every page, and exactly one box named "Search products"."""

from __future__ import annotations

import uuid

import requests
from playwright.sync_api import expect

from tests.browser.pages.auth import SignInPage, use_session
from tests.browser.pages.checkout import CheckoutPage
from tests.browser.pages.shell import ShellPage
from tests.support.accounts_apps import bearer, new_user
from tests.support.browser.axe import STRUCTURE, describe, swap_region, violations

ENTRY = "#styleguide-entry"


class Audit:
    """Visits pages, collecting every page's violations, so one run reports them all."""

    def __init__(self, page, structure: bool = True):
        self.page, self.also = page, STRUCTURE if structure else ()
        self.found: dict[str, str] = {}  # label -> its violations, described

    def check(self, label: str) -> None:
        bad = violations(self.page, also=self.also)
        if bad:
            self.found[label] = describe(bad)
        # DESIGN.md's label, held to Playwright's strict mode: one box of that name, never two.
        expect(ShellPage(self.page).search_box).to_have_count(1)

    def visit(self, path: str, label: str | None = None) -> None:
        self.page.goto(path)
        self.check(label or path)

    def assert_clean(self) -> None:
        assert not self.found, "\n\n".join(f"{where}:\n{text}" for where, text in self.found.items())


def test_every_page_a_guest_sees_is_accessible(page, lineup):
    audit = Audit(page)
    for path in (
        "/",
        "/products",
        f"/products?category={lineup.category}",
        "/products?q=no-such-thing-at-all",
        "/products?min_price=cheap",
        "/cart",
        "/login",
        "/register",
        "/logout",
        "/checkout",
        "/products/no-such-product",
    ):
        audit.visit(path)
    for word in ("Alpha", "Bravo", "Charlie"):  # in stock, only 3 left, out of stock
        audit.visit(f"/products/{lineup.ids[word]}", f"product {word}")
    sign_in = SignInPage(page).navigate()
    sign_in.sign_in("nobody@example.com", "not-the-password")
    expect(sign_in.error).to_be_visible()
    audit.check("/login with an error")
    audit.assert_clean()


def test_every_page_a_shopper_sees_through_a_purchase_is_accessible(page, base_url, gateway_url, lineup):
    user = new_user(gateway_url, name=f"Audit {uuid.uuid4().hex[:6]}")
    r = requests.post(
        f"{gateway_url}/api/cart/items",
        json={"product_id": lineup.ids["Alpha"], "quantity": 2},
        headers=bearer(user),
        timeout=10,
    )
    assert r.status_code in (200, 201), r.text
    use_session(page, base_url, user)
    audit = Audit(page)
    audit.visit("/", "home signed in")
    audit.visit("/cart", "cart with items")
    audit.visit("/profile")
    audit.visit("/orders", "no orders yet")
    checkout = CheckoutPage(page).start_from_cart()
    audit.check("checkout: address")
    checkout.region.get_by_role("button", name="Continue to delivery").click()
    expect(checkout.region.get_by_role("alert").or_(checkout.region.locator(".field-error")).first).to_be_visible()
    audit.check("checkout: address errors")
    checkout.enter_address("Ada Lovelace", "12 Analytical Row", "London", "N1 9GU", "GB", delivery=None)
    expect(checkout.delivery).to_be_visible()
    audit.check("checkout: delivery")
    checkout.choose_delivery("Express")
    audit.check("checkout: review")
    confirmation = checkout.place_order().pay_and_return("4242 4242 4242 4242")
    order_id = confirmation.order_id()
    audit.check("back from the payment provider")
    expect(confirmation.status).to_have_text("Confirmed", timeout=30_000)
    audit.check("confirmation, confirmed")
    audit.visit("/orders", "orders")
    audit.visit(f"/orders/{order_id}", "order detail")
    audit.assert_clean()


def test_every_styleguide_entry_is_accessible(page):
    page.goto("/styleguide")
    urls = page.locator(".sg-state-name a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(urls) > 100
    audit = Audit(page, structure=False)  # an entry is a region out of its page: it may have no h1
    audit.visit(urls[0])  # the whole page once: the layout around every entry is the same
    found = {}
    for url in urls[1:]:
        swap_region(page, url, ENTRY)
        bad = violations(page, ENTRY)
        if bad:
            found[url] = describe(bad)
    audit.assert_clean()
    assert not found, "\n\n".join(f"{where}:\n{text}" for where, text in found.items())
