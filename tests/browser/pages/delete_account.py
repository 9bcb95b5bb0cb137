"""The profile's "Delete my account" region."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from tests.browser.pages.base import PageObject


class DeleteAccount(PageObject):
    """Region #profile-delete-account of /profile."""

    path = "/profile"

    def __init__(self, page: Page):
        super().__init__(page)
        self.form = page.get_by_role("form", name="Delete my account")

    @property
    def password(self) -> Locator:
        return self.form.get_by_label("Password")

    @property
    def button(self) -> Locator:
        return self.form.get_by_role("button", name="Delete my account")

    def delete(self, password: str, double_click: bool = False) -> None:
        self.password.fill(password)
        if double_click:
            self.button.dblclick()
        else:
            self.button.click()
