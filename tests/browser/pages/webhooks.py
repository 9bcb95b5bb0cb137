"""Page object for the back office's webhooks pages (/admin/webhooks)."""

from __future__ import annotations

from playwright.sync_api import Locator

from tests.browser.pages.admin import BackOffice


class WebhooksPage(BackOffice):
    path = "/admin/webhooks"

    def add(self, url: str, *events: str) -> None:
        self.region.get_by_label("URL").fill(url)
        for event in events:
            self.region.get_by_role("checkbox", name=event).check()
        self.button("Add endpoint").click()

    @property
    def secret(self) -> Locator:
        return self.region.get_by_label("Signing secret")

    def open_endpoint(self, url: str) -> None:
        self.region.get_by_role("link", name=url).click()

    def resend_first(self) -> None:
        self.region.get_by_role("button", name="Resend").first.click()
