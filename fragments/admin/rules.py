"""The checkout rules' pages (shipping, tax, promotions) delete one way: asked first, applied once (audited by
the orders service with the change)."""

from __future__ import annotations

from collections.abc import Callable

from common.web.htmx import redirect_after_post
from fragments.confirm import ask, confirmed

from . import client


def delete_rule(
    rule: dict | None,
    *,
    page: str,
    api: str,
    question: Callable[[dict], str],
    consequence: str,
    confirm: str,
):
    """Delete `rule` through `api` once the admin confirms, and come back to `page` saying so."""
    done = f"{page}?done=deleted"
    if rule is None:
        return redirect_after_post(done)  # gone already: a second click lands the same
    if not confirmed():
        return ask(
            "admin", question(rule), consequence, f"/f{page}/{rule['id']}/delete", confirm, page, cancel="No, keep it"
        )
    client.call("DELETE", f"{api}/{rule['id']}")  # audited by the service with the change; a 404: gone already
    return redirect_after_post(done)
