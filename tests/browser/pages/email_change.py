"""The profile's "Change email" region, and the pages its two emailed links open."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from tests.browser.pages.base import PageObject


class ChangeEmail(PageObject):
    """Region #profile-email-change of /profile."""

    path = "/profile"

    def __init__(self, page: Page):
        super().__init__(page)
        self.form = page.get_by_role("form", name="Change email")

    @property
    def new_email(self) -> Locator:
        return self.form.get_by_label("New email")

    @property
    def current_password(self) -> Locator:
        return self.form.get_by_label("Current password")

    @property
    def status(self) -> Locator:
        return self.form.get_by_role("status")

    def change(self, new_email: str, password: str) -> None:
        self.new_email.fill(new_email)
        self.current_password.fill(password)
        self.form.get_by_role("button", name="Change email").click()


class EmailLinkPage(PageObject):
    """/confirm-email-change/<token> or /undo-email-change/<token>: one button, then what it did."""

    def __init__(self, page: Page):
        super().__init__(page)
        self.panel = page.locator("#auth-panel")

    def press(self, button: str) -> None:
        self.panel.get_by_role("button", name=button).click()

    @property
    def status(self) -> Locator:
        return self.panel.get_by_role("status")

    @property
    def error(self) -> Locator:
        return self.panel.get_by_role("alert")
