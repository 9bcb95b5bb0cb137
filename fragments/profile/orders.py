"""Order history fragments: the list at /orders, one order at /orders/<id> (with Cancel), and the profile's summary."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template, request

from common.errors import NotFound
from common.htmx import redirect_after_post, wants_fragment
from common.ids import is_id
from common.web import SignedOut

from .client import _call

bp = Blueprint("profile_orders", __name__)


@bp.errorhandler(SignedOut)
def _signed_out(_):
    return redirect_after_post(f"/login?next={request.path if request.method == 'GET' else '/orders'}")


def when(iso: str | None) -> str:
    try:
        return datetime.fromisoformat(iso).strftime("%d %b %Y, %H:%M UTC") if iso else ""
    except ValueError:
        return ""


def _page() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and 0 < int(page) <= 10_000 else 1


@bp.get("/orders")
def order_list():
    listing = _call("GET", "/api/orders", params={"page": _page(), "per_page": 10}).json()
    return render_template("profile/_orders.html", listing=listing, when=when, page_url=lambda n: f"/orders?page={n}")


@bp.get("/orders/recent")
def recent():
    """The latest few orders for #orders-region on /profile."""
    listing = _call("GET", "/api/orders", params={"per_page": 5}).json()
    return render_template("profile/_orders_recent.html", listing=listing, when=when)


def _order(order_id: str) -> dict:
    resp = _call("GET", f"/api/orders/{order_id}") if is_id(order_id) else None
    if resp is None or resp.status_code == 404:
        raise NotFound("We couldn't find that order")
    return resp.json()


@bp.get("/orders/<order_id>")
def detail(order_id):
    return render_template("profile/_orders_detail.html", order=_order(order_id), when=when, message=None,
                           error=None)


@bp.post("/orders/<order_id>/cancel")
def cancel(order_id):
    """Cancel before shipping: the API refunds the payment and releases the stock (by events, moments later)."""
    order = _order(order_id)
    resp = _call("POST", f"/api/orders/{order['id']}/cancel")
    if resp.status_code == 202:
        if not wants_fragment():
            return redirect_after_post(f"/orders/{order['id']}")
        return render_template("profile/_orders_detail.html", order=resp.json(), when=when, error=None,
                               message="Your order is cancelled. Any payment is being refunded.")
    return render_template("profile/_orders_detail.html", order=_order(order_id), when=when, message=None,
                           error=resp.json().get("message", "This order can no longer be cancelled.")), 409
