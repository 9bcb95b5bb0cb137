"""Order pages: every order filtered by status, date and email; one order with its history and its payment's;
ship, deliver, cancel, refund."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from flask import Blueprint, render_template, request

from common.carriers import CARRIERS, TRACKING_NUMBER
from common.errors import AppError, NotFound
from common.ids import is_id, is_minted_id
from common.web.htmx import redirect_after_post
from fragments.confirm import ask, confirmed
from fragments.result import fields_of, message_of

from . import audit, client
from .forms import text

bp = Blueprint("admin_orders", __name__)
STATUSES = ("PENDING", "AWAITING_PAYMENT", "CONFIRMED", "SHIPPED", "DELIVERED", "REJECTED", "CANCELLED")
ACTIONS = {
    "ship": ("/ship", "Order marked shipped. The customer is being emailed."),
    "deliver": ("/deliver", "Order marked delivered. The customer is being emailed."),
    "cancel": ("/cancel", "Order cancelled. Any payment is being voided or refunded and the stock released."),
}
REFUND_MESSAGES = {
    "amount": "Enter the amount to refund, such as 5.00.",
    "key": "This form is out of date. Reload the page and try again.",
}
SHIP_MESSAGES = {
    "carrier": "Choose the carrier from the list.",
    "tracking_number": "Enter the tracking number (3 to 40 letters, digits, spaces or dashes).",
}
# The ship form's carrier choices: (key, name), in the carriers' order.
CARRIER_CHOICES = [(key, name) for key, (name, _) in CARRIERS.items()]
SAVED = {name: message for name, (_, message) in ACTIONS.items()} | {
    "refund": "Refund made. The customer is being emailed."
}


def when(iso: str | None) -> str:
    try:
        return datetime.fromisoformat(iso).strftime("%d %b %Y, %H:%M UTC") if iso else ""
    except ValueError:
        return ""


def _filters() -> tuple[dict, dict]:
    """The filters as typed, and those valid enough to send; a bad one gets a message beside its field."""
    form = {
        "status": request.args.get("status", ""),
        "date": request.args.get("date", "").strip()[:10],
        "email": request.args.get("email", "").strip()[:254],
    }
    errors = {}
    if form["status"] not in ("", *STATUSES):
        errors["status"], form["status"] = "Choose a status from the list.", ""
    if form["date"] and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", form["date"]):
        errors["date"] = "Enter a date as YYYY-MM-DD."
    return form, errors


def _page() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and 0 < int(page) <= 10_000 else 1


@bp.get("/orders")
def order_list():
    form, errors = _filters()
    params = {k: v for k, v in form.items() if v and k not in errors}
    resp = client.call("GET", "/api/orders/all", params={**params, "page": _page(), "per_page": 20})
    if resp.status_code == 422:
        errors["date"] = "Enter a real date as YYYY-MM-DD."
        resp = client.call("GET", "/api/orders/all", params={k: v for k, v in params.items() if k != "date"})
    return render_template(
        "admin/_orders.html",
        listing=resp.json(),
        form=form,
        errors=errors,
        statuses=STATUSES,
        when=when,
        page_url=lambda n: "/admin/orders?" + urlencode({**params, "page": n}),
    ), 422 if errors else 200


def order(order_id: str) -> dict:
    resp = client.call("GET", f"/api/orders/{order_id}") if is_id(order_id) else None
    if resp is None or resp.status_code == 404:
        raise NotFound("We couldn't find that order")
    return resp.json()


def payment_of(order_id: str) -> dict | None:
    """The order's payment with its history (authorized, captured, voided, refunded), or None before there is one
    (or while the payments service is away: the rest of the page still serves)."""
    try:
        resp = client.call("GET", "/api/payments", params={"order_id": order_id})
    except AppError:
        return None
    items = resp.json().get("items", []) if resp.status_code == 200 else []
    return items[0] if items else None


def _detail(
    found: dict,
    message: str | None = None,
    error: str | None = None,
    status: int = 200,
    refund: dict | None = None,
    **ship,
):
    return render_template(
        "admin/_order_detail.html",
        order=found,
        payment=payment_of(found["id"]),
        when=when,
        message=message,
        error=error,
        audit=audit.entries_for("order", found["id"]),
        carriers=CARRIER_CHOICES,
        ship=ship.get("form") or {"carrier": "", "tracking_number": ""},
        ship_errors=ship.get("errors") or {},
        # A fresh key per form shown: the same form sent twice refunds once.
        refund={"amount": "", "key": uuid.uuid4().hex, "errors": {}, **(refund or {})},
    ), status


def _parcel() -> tuple[dict, dict]:
    """ "Mark shipped"'s fields as typed, and a message beside each one that cannot be sent."""
    form = {"carrier": text("carrier", 20), "tracking_number": text("tracking_number", 40)}
    errors = {}
    if form["carrier"] not in CARRIERS:
        errors["carrier"] = SHIP_MESSAGES["carrier"]
    if not re.fullmatch(TRACKING_NUMBER, form["tracking_number"]):
        errors["tracking_number"] = SHIP_MESSAGES["tracking_number"]
    return form, errors


@bp.get("/orders/<order_id>")
def order_detail(order_id):
    return _detail(order(order_id), message=SAVED.get(request.args.get("done", "")))


@bp.post("/orders/<order_id>/<any(ship, deliver, cancel):action>")
def order_action(order_id, action):
    found = order(order_id)
    if action == "cancel" and not confirmed():
        return ask(
            "admin",
            f"Cancel order {found['id'][:8]} and refund it?",
            "The customer is emailed, any payment is refunded and the stock is released. This cannot be undone.",
            f"/f/admin/orders/{found['id']}/cancel",
            "Yes, cancel and refund",
            f"/admin/orders/{found['id']}",
            cancel="No, keep the order",
        )
    path, _ = ACTIONS[action]
    body = None
    if action == "ship":
        body, errors = _parcel()
        if errors:
            return _detail(found, status=422, form=body, errors=errors)
    resp = client.call("POST", f"/api/orders/{found['id']}{path}", json=body)
    if resp.status_code in (200, 202):  # the orders service recorded it in the trail, with the change
        return redirect_after_post(f"/admin/orders/{found['id']}?done={action}")
    return _detail(order(order_id), error=message_of(resp), status=409)


def _cents(typed: str) -> int | None:
    """ "5", "5.00" or "$5.00" as minor units; None for anything else (a negative, more than two decimals, text)."""
    try:
        amount = Decimal(typed.strip().lstrip("$").replace(",", ""))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")) or amount > 10**6:
        return None
    return int(amount * 100)


@bp.post("/orders/<order_id>/refund")
def refund(order_id):
    """ "Refund" with "Refund amount": part or all of a shipped order's captured payment, never more."""
    found = order(order_id)
    typed, key = text("amount", 20), request.form.get("key", "")
    amount = _cents(typed)
    form = {"amount": typed, "key": key if is_minted_id(key) else uuid.uuid4().hex}
    if amount is None or not is_minted_id(key):
        errors = {"amount": REFUND_MESSAGES["amount" if amount is None else "key"]}
        return _detail(found, status=422, refund={**form, "errors": errors})
    resp = client.call(
        "POST", f"/api/payments/{found['id']}/refunds", json={"amount": amount}, headers={"Idempotency-Key": key}
    )
    if resp.status_code == 201:  # the payments service audits the refund with the money it moved
        return redirect_after_post(f"/admin/orders/{found['id']}?done=refund")
    field = fields_of(resp).get("amount") or message_of(resp)
    return _detail(
        found, status=resp.status_code if resp.status_code < 500 else 409, refund={**form, "errors": {"amount": field}}
    )
