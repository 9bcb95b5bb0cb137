"""Moving through a page as a keyboard-only shopper does: Tab (and Shift+Tab) until a control has the focus."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

MAX_TABS = 80  # more than any storefront page has focusable controls; past it the control is unreachable


def is_focused(locator: Locator) -> bool:
    return locator.count() == 1 and locator.evaluate("el => el === document.activeElement")


def tab_to(page: Page, target: Locator, backwards: bool = False) -> None:
    """Press Tab until `target` has the focus; fails when it cannot be reached by keyboard."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        if is_focused(target):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{target} was not reached with {MAX_TABS} presses of {key}")


def type_into(page: Page, target: Locator, text: str) -> None:
    """Tab to a field and type into it, key by key."""
    tab_to(page, target)
    page.keyboard.type(text)
