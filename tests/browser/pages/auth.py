"""The auth fragment: sign-in, sign-up and sign-out pages, and the account area in the header."""
from __future__ import annotations

from playwright.sync_api import Locator, Page


class AccountArea:
    """Region #account in the header."""

    def __init__(self, page: Page):
        self.page = page
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
        self.page.wait_for_load_state("load")  # htmx (a deferred script) has wired the link by then
        self.sign_out_link.click()
        if confirm:
            SignOutPage(self.page).confirm()


class SignInPage:
    def __init__(self, page: Page):
        self.page = page
        self.panel = page.locator("#auth-panel")

    def open(self, next_path: str | None = None) -> SignInPage:
        self.page.goto("/login" + (f"?next={next_path}" if next_path else ""))
        return self

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


class SignUpPage:
    def __init__(self, page: Page):
        self.page = page
        self.panel = page.locator("#auth-panel")

    def open(self) -> SignUpPage:
        self.page.goto("/register")
        return self

    def field(self, label: str) -> Locator:
        return self.panel.get_by_label(label, exact=True)

    def sign_up(self, name: str, email: str, password: str) -> None:
        self.field("Name").fill(name)
        self.field("Email").fill(email)
        self.field("Password").fill(password)
        self.panel.get_by_role("button", name="Create account").click()


class SignOutPage:
    def __init__(self, page: Page):
        self.page = page

    def confirm(self) -> None:
        self.page.locator("#auth-panel").get_by_role("button", name="Sign out").click()


def use_session(page: Page, base_url: str, tokens: dict) -> None:
    """Start signed in, as if the sign-in form had just set its cookies (for tests about other pages)."""
    page.context.add_cookies([
        {"name": name, "value": tokens[key], "url": base_url, "httpOnly": True, "sameSite": "Lax"}
        for name, key in (("access_token_cookie", "access_token"), ("refresh_token_cookie", "refresh_token"))])
