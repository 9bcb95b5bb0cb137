"""Order history fragments: the list at /orders, one order at /orders/<id> (with Cancel), and the profile's summary."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template, request

from common.web.htmx import redirect_after_post, wants_fragment
from fragments.confirm import ask, confirmed
from fragments.sign_in import require_sign_in

from . import client

bp = Blueprint("profile_orders", __name__)
require_sign_in(bp, "/orders", paths_are_pages=True)


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
    listing = client.orders(page=_page(), per_page=10)
    return render_template("profile/_orders.html", listing=listing, when=when, page_url=lambda n: f"/orders?page={n}")


@bp.get("/orders/recent")
def recent():
    """The latest few orders for #orders-region on /profile."""
    listing = client.orders(per_page=5)
    return render_template("profile/_orders_recent.html", listing=listing, when=when)


@bp.get("/orders/<order_id>")
def detail(order_id):
    return render_template(
        "profile/_orders_detail.html", order=client.order(order_id), when=when, message=None, error=None
    )


@bp.post("/orders/<order_id>/cancel")
def cancel(order_id):
    """Cancel before shipping: the API refunds the payment and releases the stock (by events, moments later)."""
    order = client.order(order_id)
    if not confirmed():
        return ask(
            "order",
            f"Cancel order {order['id'][:8]}?",
            "Your payment will be refunded and the order will not be sent.",
            f"/f/profile/orders/{order['id']}/cancel",
            "Yes, cancel order",
            f"/orders/{order['id']}",
            cancel="No, keep my order",
        )
    cancelled = client.cancel(order["id"])
    if cancelled.ok:
        if not wants_fragment():
            return redirect_after_post(f"/orders/{order['id']}")
        return render_template(
            "profile/_orders_detail.html",
            order=cancelled.value,
            when=when,
            error=None,
            message="Your order is cancelled. Any payment is being refunded.",
        )
    return render_template(
        "profile/_orders_detail.html", order=client.order(order_id), when=when, message=None, error=cancelled.message
    ), cancelled.status
