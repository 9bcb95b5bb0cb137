"""Delivery options page: each option's name, countries, price, free-over threshold and estimate; add, edit, delete."""

from __future__ import annotations

import re

from flask import Blueprint, render_template, request

from common.api.address import COUNTRY_NAMES
from common.web.htmx import redirect_after_post
from fragments.result import fields_of, message_of

from . import client
from .forms import COMMA_MESSAGE, price_minor, price_text, text
from .rules import delete_rule

bp = Blueprint("admin_shipping", __name__)
MESSAGES = {
    "name": "Enter a name (1 to 60 characters), e.g. Express.",
    "countries": "Enter two-letter country codes separated by commas, e.g. US, GB, DE.",
    "price": "Enter a price like 4.90 (0 is free).",
    "free_over": "Enter an amount like 75.00, or leave it empty if this option is never free.",
    "estimate": "Keep the delivery estimate under 60 characters, e.g. 1–2 working days.",
    "taken": "There is an option with this name already: edit it in the table.",
}
DONE = {"saved": "Delivery option saved.", "deleted": "Delivery option deleted."}


def _options() -> list[dict]:
    return client.call("GET", "/api/shipping").json()["items"]


def _blank(option: dict | None = None) -> dict:
    """The form's fields as text: empty for a new option, or an existing one's values to edit."""
    if option is None:
        return {"id": "", "name": "", "countries": "", "price": "", "free_over": "", "estimate": ""}
    return {
        "id": option["id"],
        "name": option["name"],
        "countries": ", ".join(option["countries"]),
        "price": price_text(option["price"]),
        "free_over": price_text(option.get("free_over")),
        "estimate": option.get("estimate", ""),
    }


def _page(options: list[dict], form: dict, errors: dict | None = None, code: int = 200):
    return render_template(
        "admin/_shipping.html",
        options=options,
        form=form,
        errors=errors or {},
        message=DONE.get(request.args.get("done", "")),
        money=price_text,
    ), code


@bp.get("/shipping")
def option_list():
    options = _options()
    editing = next((o for o in options if o["id"] == request.args.get("edit")), None)
    return _page(options, _blank(editing))


def slug(name: str) -> str:
    """A new option's id from its name ("Next day" -> "next-day"), as the API's pattern allows."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "option"


def _read() -> tuple[dict, dict, dict]:
    """The form as typed, the API body, and the messages for fields that cannot be sent."""
    form = {
        k: text(k, 400 if k == "countries" else 80) for k in ("name", "countries", "price", "free_over", "estimate")
    }
    form["id"] = text("id", 40)
    codes = [c.strip().upper() for c in form["countries"].split(",") if c.strip()]
    errors = {} if 0 < len(form["name"]) <= 60 else {"name": MESSAGES["name"]}
    if not codes or any(c not in COUNTRY_NAMES for c in codes):
        errors["countries"] = MESSAGES["countries"]
    price = price_minor(form["price"])
    if price is None:
        errors["price"] = COMMA_MESSAGE if "," in form["price"] else MESSAGES["price"]
    free_over = price_minor(form["free_over"]) if form["free_over"] else None
    if form["free_over"] and free_over is None:
        errors["free_over"] = MESSAGES["free_over"]
    body = {
        "name": form["name"],
        "countries": list(dict.fromkeys(codes)),
        "price": price,
        "free_over": free_over,
        "estimate": form["estimate"],
    }
    return form, body, errors


@bp.post("/shipping")
def save_option():
    options = _options()
    form, body, errors = _read()
    known = {o["id"]: o for o in options}
    option_id = form["id"] if form["id"] in known else slug(form["name"])
    if not form["id"] and option_id in known:
        errors["name"] = MESSAGES["taken"]
    if not errors:
        resp = client.call("PUT", f"/api/shipping/{option_id}", json=body)
        if resp.status_code == 200:
            return redirect_after_post("/admin/shipping?done=saved")
        fields = {name.split(".")[0] for name in fields_of(resp)}
        errors = {k: MESSAGES[k] for k in fields if k in MESSAGES} or {"form": message_of(resp)}
    return _page(options, form, errors, 422)


@bp.post("/shipping/<option_id>/delete")
def delete_option(option_id):
    return delete_rule(
        next((o for o in _options() if o["id"] == option_id), None),
        page="/admin/shipping",
        api="/api/shipping",
        question=lambda option: f"Delete the delivery option {option['name']}?",
        consequence="Shoppers can no longer choose it. Orders placed with it keep what they were charged.",
        confirm="Yes, delete option",
    )
