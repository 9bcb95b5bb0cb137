"""axe-core (npm, pinned in package.json) run inside the page: serious and critical violations fail the test."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
FAILING = ("serious", "critical")


@lru_cache(maxsize=1)
def axe_source() -> str:
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `make setup` (npm installs axe-core from package.json)")
    return AXE.read_text()


def violations(page: Page) -> list[dict]:
    """axe's serious and critical violations on the page as it is now (its default rules: WCAG A/AA and best
    practice). Injected through the DevTools protocol, so the page's Content-Security-Policy stays on."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [v for v in found if v["impact"] in FAILING]


def describe(found: list[dict]) -> str:
    return "\n".join(f"{v['impact']}: {v['id']} ({v['help']}) at "
                     + ", ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                                 for n in v["nodes"][:5]) for v in found)


def assert_accessible(page: Page, where: str = "") -> None:
    found = violations(page)
    assert not found, f"axe found on {where or page.url}:\n{describe(found)}"
