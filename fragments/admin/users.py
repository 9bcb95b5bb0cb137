"""Customer pages: search accounts, one customer with their orders, make an admin or take the role away."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, g, render_template, request

from common.errors import NotFound
from common.ids import is_minted_id
from common.web.htmx import redirect_after_post
from fragments.confirm import ask, confirmed
from fragments.result import message_of

from . import audit, client
from .orders import when

bp = Blueprint("admin_users", __name__)
DONE = {"admin": "They are now an admin.", "customer": "They are no longer an admin."}


@bp.get("/users")
def user_list():
    q = request.args.get("q", "").strip()[:100]
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) <= 10_000 else 1
    listing = client.call("GET", "/api/auth/accounts", params={"q": q, "page": page, "per_page": 20}).json()
    return render_template(
        "admin/_users.html",
        listing=listing,
        q=q,
        me=g.admin.user_id,
        page_url=lambda n: "/admin/users?" + urlencode({"q": q, "page": n}),
    )


def _account(account_id: str) -> dict:
    resp = client.call("GET", f"/api/auth/accounts/{account_id}") if is_minted_id(account_id) else None
    if resp is None or resp.status_code == 404:
        raise NotFound("We couldn't find that customer")
    return resp.json()


def _detail(account: dict, message: str | None = None, error: str | None = None, status: int = 200):
    orders = client.optional(
        "GET", "/api/orders/all", {"items": [], "total": 0}, params={"user_id": account["id"], "per_page": 50}
    )
    return render_template(
        "admin/_user_detail.html",
        account=account,
        orders=orders,
        when=when,
        me=g.admin.user_id,
        message=message,
        error=error,
        audit=audit.entries_for("user", account["id"]),
    ), status


@bp.get("/users/<account_id>")
def user_detail(account_id):
    return _detail(_account(account_id), message=DONE.get(request.args.get("done", "")))


@bp.post("/users/<account_id>/role")
def set_role(account_id):
    account = _account(account_id)
    role = request.form.get("role", "")
    if role not in DONE:
        return _detail(account, error="Choose a role: admin or customer.", status=422)
    if role == "customer" and not confirmed():
        return ask(
            "admin",
            f"Remove admin from {account['email']}?",
            "They lose the back office at once.",
            f"/f/admin/users/{account['id']}/role",
            "Yes, remove admin",
            f"/admin/users/{account['id']}",
            fields={"role": "customer"},
            cancel="No, keep them an admin",
        )
    resp = client.call("PUT", f"/api/auth/accounts/{account['id']}/role", json={"role": role})
    if resp.status_code == 200:  # the auth service audits the change, with the change
        return redirect_after_post(f"/admin/users/{account['id']}?done={role}")
    return _detail(_account(account_id), error=message_of(resp), status=409 if resp.status_code == 409 else 422)
