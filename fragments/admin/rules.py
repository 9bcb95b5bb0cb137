"""The checkout rules' pages (shipping, tax, promotions) delete one way: asked first, applied once, audited."""

from __future__ import annotations

from collections.abc import Callable

from common.htmx import redirect_after_post
from fragments.confirm import ask, confirmed

from . import audit, client


def delete_rule(
    rule: dict | None,
    *,
    page: str,
    api: str,
    question: Callable[[dict], str],
    consequence: str,
    confirm: str,
    action: str,
    kind: str,
):
    """Delete `rule` through `api` once the admin confirms, and come back to `page` saying so."""
    done = f"{page}?done=deleted"
    if rule is None:
        return redirect_after_post(done)  # gone already: a second click lands the same
    if not confirmed():
        return ask(
            "admin", question(rule), consequence, f"/f{page}/{rule['id']}/delete", confirm, page, cancel="No, keep it"
        )
    if client.call("DELETE", f"{api}/{rule['id']}").status_code == 204:
        audit.record(action, kind, rule["id"], rule, {"deleted": True})
    return redirect_after_post(done)
