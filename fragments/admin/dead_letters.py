"""Dead-letter page: messages on every <topic>.dlq with their error; Replay or Discard each one.

Its public URL stays /admin/events (DESIGN.md); the code says what it is about: dead letters."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template, request

from common.errors import NotFound
from common.ids import is_minted_id
from common.web.htmx import redirect_after_post
from fragments.result import message_of

from . import client
from .orders import when

bp = Blueprint("admin_dead_letters", __name__)
STATUSES = {"waiting": "Waiting", "replayed": "Replayed", "discarded": "Discarded"}
DONE = {"replay": "Sent back to its topic: its consumer handles it again (once).", "discard": "Dead letter discarded."}


def _listing(status: str) -> dict:
    asked = request.args.get("page", "1")
    page = int(asked) if asked.isdigit() and 0 < int(asked) <= 10_000 else 1
    return client.call(
        "GET", "/api/events/dead-letters", params={"status": status, "page": page, "per_page": 20}
    ).json()


def _page(status: str, message: str | None = None, error: str | None = None, code: int = 200):
    return render_template(
        "admin/_dead_letters.html",
        listing=_listing(status),
        status=status,
        statuses=STATUSES,
        when=when,
        message=message,
        error=error,
        page_url=lambda n: "/admin/events?" + urlencode({"status": status, "page": n}),
    ), code


@bp.get("/events")
def dead_letters():
    status = request.args.get("status", "waiting")
    return _page(status if status in STATUSES else "waiting", message=DONE.get(request.args.get("done", "")))


@bp.post("/events/<letter>/<any(replay, discard):action>")
def replay_or_discard(letter, action):
    if not is_minted_id(letter):
        raise NotFound("We couldn't find that dead letter")
    resp = client.call("POST", f"/api/events/dead-letters/{letter}/{action}")
    if resp.status_code == 404:
        raise NotFound("We couldn't find that dead letter")
    if resp.status_code == 200:  # the notifications service audits it, with the change
        return redirect_after_post(f"/admin/events?done={action}")
    return _page("waiting", error=message_of(resp), code=409)
