"""One order opened by its signed link (/orders/link/<token>, from the order's emails): no account needed."""

from __future__ import annotations

from flask import Blueprint, render_template

from common.web.htmx import redirect_after_post, wants_fragment
from fragments.confirm import ask, confirmed

from . import client
from .orders import when

bp = Blueprint("profile_order_links", __name__)


def _detail(order: dict, token: str, message=None, error=None, status: int = 200):
    return render_template(
        "profile/_orders_detail.html", order=order, when=when, message=message, error=error, link=token
    ), status


@bp.get("/orders/link/<token>")
def detail(token):
    return _detail(client.linked_order(token), token)


@bp.post("/orders/link/<token>/cancel")
def cancel(token):
    """As the signed-in owner's Cancel: asked first, then the refund and the stock follow by events."""
    order = client.linked_order(token)
    if not confirmed():
        return ask(
            "order",
            f"Cancel order {order['id'][:8]}?",
            "Your payment will be refunded and the order will not be sent.",
            f"/f/profile/orders/link/{token}/cancel",
            "Yes, cancel order",
            f"/orders/link/{token}",
            cancel="No, keep my order",
        )
    cancelled = client.cancel_linked(token)
    if not cancelled.ok:
        return _detail(client.linked_order(token), token, error=cancelled.message, status=cancelled.status)
    if not wants_fragment():
        return redirect_after_post(f"/orders/link/{token}")
    return _detail(cancelled.value or order, token, message="Your order is cancelled. Any payment is being refunded.")
