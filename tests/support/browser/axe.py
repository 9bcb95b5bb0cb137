"""axe-core (npm, pinned in package.json) run inside the page: serious and critical violations fail the test."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
FAILING = ("serious", "critical")
# Moderate in axe's scale, but a storefront page must get them right: one main landmark, unique landmark names,
# content inside landmarks, one h1 and no skipped heading level (a styleguide entry is a region out of its page).
STRUCTURE = (
    "heading-order",
    "page-has-heading-one",
    "landmark-one-main",
    "landmark-unique",
    "region",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-no-duplicate-main",
)


@lru_cache(maxsize=1)
def axe_source() -> str:
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `make setup` (npm installs axe-core from package.json)")
    return AXE.read_text()


def violations(page: Page, selector: str | None = None, also: tuple[str, ...] = ()) -> list[dict]:
    """axe's serious and critical violations on the page as it is now (its default rules: WCAG A/AA and best
    practice), and those of the rules `also`, over the whole document or the region `selector`. Injected through
    the DevTools protocol, so the page's Content-Security-Policy stays on."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    found = page.evaluate(
        "async (where) => (await axe.run(where || document, {resultTypes: ['violations']})).violations", selector
    )
    return [v for v in found if v["impact"] in FAILING or v["id"] in also]


def swap_region(page: Page, url: str, selector: str) -> None:
    """Put the region `selector` of the page at `url` in place of this page's: the same markup in the same
    layout as a visit would give, without a navigation (and a new axe) per page. htmx leaves it alone only when
    the region says hx-disable, as the styleguide's does."""
    html = page.request.get(url).text()
    # Parsed in this document's context, with scripting on as a visit would have it: a <noscript> stays inert
    # text (DOMParser would parse its meta refresh as a live element and reload the page).
    page.evaluate(
        """([html, selector]) => {
        const fresh = document.createRange().createContextualFragment(html).querySelector(selector);
        if (!fresh) throw new Error(`no ${selector} in the answer`);
        document.querySelector(selector).replaceWith(fresh);
    }""",
        [html, selector],
    )


def describe(found: list[dict]) -> str:
    return "\n".join(
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + ", ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"][:5])
        for v in found
    )


def assert_accessible(page: Page, where: str = "") -> None:
    """No serious or critical violation, and the page's landmarks and headings right."""
    found = violations(page, also=STRUCTURE)
    assert not found, f"axe found on {where or page.url}:\n{describe(found)}"
