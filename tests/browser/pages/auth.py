"""The auth fragment: sign-in, sign-up and sign-out pages, and the account area in the header."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from devstack.accounts import admin_tokens
from tests.browser.pages.base import PageObject


class AccountArea(PageObject):
    """Region #account in the header."""

    def __init__(self, page: Page):
        super().__init__(page)
        self.region = page.locator("#account")

    def user_link(self, name: str) -> Locator:
        return self.region.get_by_role("link", name=name)

    @property
    def sign_in_link(self) -> Locator:
        return self.region.get_by_role("link", name="Sign in")

    @property
    def sign_out_link(self) -> Locator:
        return self.region.get_by_role("link", name="Sign out")

    def sign_out(self, confirm: bool) -> None:
        """With JS the link signs out at once; without JS it opens /logout, where `confirm` clicks the button."""
        self.wait_for_htmx()  # with JS the link is htmx's: it signs out at once
        self.sign_out_link.click()
        if confirm:
            SignOutPage(self.page).confirm()


class SignInPage(PageObject):
    path = "/login"

    def __init__(self, page: Page):
        super().__init__(page)
        self.panel = page.locator("#auth-panel")

    @property
    def email(self) -> Locator:
        return self.panel.get_by_label("Email")

    @property
    def password(self) -> Locator:
        return self.panel.get_by_label("Password")

    @property
    def error(self) -> Locator:
        return self.panel.get_by_role("alert")

    def sign_in(self, email: str, password: str) -> None:
        self.email.fill(email)
        self.password.fill(password)
        self.panel.get_by_role("button", name="Sign in").click()


class SignUpPage(PageObject):
    path = "/register"

    def __init__(self, page: Page):
        super().__init__(page)
        self.panel = page.locator("#auth-panel")

    def field(self, label: str) -> Locator:
        return self.panel.get_by_label(label, exact=True)

    def sign_up(self, name: str, email: str, password: str) -> None:
        self.field("Name").fill(name)
        self.field("Email").fill(email)
        self.field("Password").fill(password)
        self.panel.get_by_role("button", name="Create account").click()


class SignOutPage(PageObject):
    path = "/logout"

    def confirm(self) -> None:
        self.page.locator("#auth-panel").get_by_role("button", name="Sign out").click()


def use_session(page: Page, base_url: str, tokens: dict) -> None:
    """Start signed in, as if the sign-in form had just set its cookies (for tests about other pages)."""
    page.context.add_cookies(
        [
            {"name": name, "value": tokens[key], "url": base_url, "httpOnly": True, "sameSite": "Lax"}
            for name, key in (("access_token_cookie", "access_token"), ("refresh_token_cookie", "refresh_token"))
        ]
    )


def sign_in_as_admin(page: Page, base_url: str, gateway_url: str) -> None:
    """This browser, now signed in as the shop's owner (as if the sign-in form had just set its cookies)."""
    use_session(page, base_url, admin_tokens(gateway_url))
