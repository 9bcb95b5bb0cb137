"""Page objects for the back office's checkout rules: /admin/shipping, /admin/tax and /admin/promotions."""

from __future__ import annotations

from playwright.sync_api import Locator

from tests.browser.pages.admin import BackOffice


class RulesPage(BackOffice):
    """A table of rules with one form below it; each row has "Edit <name>" and "Delete <name>"."""

    def fill(self, **fields: str) -> None:
        """Fields by label: a text box is filled, a check box set with "yes"/"no", a list picked by its option."""
        for label, value in fields.items():
            box = self.region.get_by_label(label, exact=True)
            if value in ("yes", "no"):
                box.set_checked(value == "yes")
            elif box.evaluate("e => e.tagName") == "SELECT":
                box.select_option(label=value)
            else:
                box.fill(value)

    def row(self, name: str) -> Locator:
        return self.region.get_by_role("row").filter(has=self.page.get_by_role("rowheader", name=name, exact=True))

    def edit(self, name: str) -> None:
        self.region.get_by_role("link", name=f"Edit {name}", exact=True).click()

    def delete(self, name: str, confirm: str) -> None:
        self.button(f"Delete {name}").click()
        self.button(confirm).click()

    def described(self, label: str) -> Locator:
        return self.region.get_by_label(label, exact=True)


class ShippingPage(RulesPage):
    path = "/admin/shipping"


class TaxPage(RulesPage):
    path = "/admin/tax"


class PromotionsPage(RulesPage):
    path = "/admin/promotions"
