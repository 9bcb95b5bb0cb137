"""Promo codes page: each code's discount, minimum spend, dates and limits with its uses; add, edit, delete."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, render_template, request

from common.web.htmx import redirect_after_post
from fragments.result import message_of

from . import client
from .forms import COMMA_MESSAGE, price_minor, price_text, text, whole
from .rules import delete_rule

bp = Blueprint("admin_promotions", __name__)
CODE = re.compile(r"[A-Z0-9_-]{1,32}")
KINDS = (("percent", "Percentage off"), ("fixed", "Fixed amount off"))
MESSAGES = {
    "code": "Use 1 to 32 letters, digits, dashes or underscores, e.g. WELCOME10.",
    "taken": "That code exists already: edit it in the table.",
    "kind": "Choose percentage or fixed amount.",
    "percent": "Enter a whole percentage from 1 to 100.",
    "fixed": "Enter an amount above 0 like 5.00.",
    "min_spend": "Enter an amount like 30.00, or leave it empty for no minimum.",
    "starts_at": "Enter a date as YYYY-MM-DD, or leave it empty to start now.",
    "ends_at": "Enter a date after the start as YYYY-MM-DD, or leave it empty for no end.",
    "usage_limit": "Enter a whole number of uses, or leave it empty for no limit.",
}
DONE = {"saved": "Promo code saved.", "deleted": "Promo code deleted."}
FIELDS = ("code", "kind", "value", "min_spend", "starts_at", "ends_at", "usage_limit")


def _promotions() -> list[dict]:
    return client.call("GET", "/api/promotions").json()["items"]


def _as_form(promo: dict | None) -> dict:
    """An existing code's terms as the form's text, or an empty form."""
    if promo is None:
        return {**dict.fromkeys(FIELDS, ""), "kind": "percent", "per_customer": False, "editing": False}
    value = str(promo["value"]) if promo["kind"] == "percent" else price_text(promo["value"])
    return {
        "code": promo["id"],
        "kind": promo["kind"],
        "value": value,
        "min_spend": price_text(promo["min_spend"]) if promo.get("min_spend") else "",
        "starts_at": (promo.get("starts_at") or "")[:10],
        "ends_at": (promo.get("ends_at") or "")[:10],
        "usage_limit": "" if promo.get("usage_limit") is None else str(promo["usage_limit"]),
        "per_customer": promo.get("per_customer", False),
        "editing": True,
    }


def _page(promotions: list[dict], form: dict, errors: dict | None = None, code: int = 200):
    return render_template(
        "admin/_promotions.html",
        promotions=promotions,
        form=form,
        errors=errors or {},
        kinds=KINDS,
        message=DONE.get(request.args.get("done", "")),
        money=price_text,
    ), code


@bp.get("/promotions")
def promotion_list():
    promotions = _promotions()
    return _page(promotions, _as_form(next((p for p in promotions if p["id"] == request.args.get("edit")), None)))


def _day(value: str) -> str | None:
    """A typed date as the API's ISO start of that day (UTC), or None when empty; ValueError when not a date."""
    if not value:
        return None
    if len(value) != 10:
        raise ValueError(value)
    return date.fromisoformat(value).isoformat() + "T00:00:00+00:00"


def _days(form: dict, errors: dict) -> tuple[str | None, str | None]:
    """The start and end days, each refusal beside its field (an end on or before the start, too)."""
    days: dict[str, str | None] = {}
    for name in ("starts_at", "ends_at"):
        try:
            days[name] = _day(form[name])
        except ValueError:
            days[name], errors[name] = None, MESSAGES[name]
    starts, ends = days["starts_at"], days["ends_at"]
    if starts and ends and ends <= starts:
        errors["ends_at"] = MESSAGES["ends_at"]
    return starts, ends


def _read() -> tuple[dict, dict, dict]:
    """The form as typed, the API body, and the messages for what cannot be sent."""
    form: dict = {k: text(k, 40) for k in FIELDS}
    form["code"] = form["code"].upper()
    form["per_customer"], form["editing"] = "per_customer" in request.form, request.form.get("editing") == "yes"
    errors = {} if CODE.fullmatch(form["code"]) else {"code": MESSAGES["code"]}
    if form["kind"] not in dict(KINDS):
        errors["kind"], form["kind"] = MESSAGES["kind"], "percent"
    if form["kind"] == "percent":
        value = whole(form["value"])
        value = value if value is not None and 1 <= value <= 100 else None
    else:
        value = price_minor(form["value"]) or None
    if value is None:
        errors["value"] = COMMA_MESSAGE if "," in form["value"] else MESSAGES[form["kind"]]
    min_spend = price_minor(form["min_spend"]) if form["min_spend"] else 0
    if min_spend is None:
        errors["min_spend"] = COMMA_MESSAGE if "," in form["min_spend"] else MESSAGES["min_spend"]
    starts, ends = _days(form, errors)
    limit = whole(form["usage_limit"]) if form["usage_limit"] else None
    if form["usage_limit"] and (limit is None or limit < 0):
        errors["usage_limit"] = MESSAGES["usage_limit"]
    body = {
        "kind": form["kind"],
        "value": value,
        "min_spend": min_spend,
        "starts_at": starts,
        "ends_at": ends,
        "usage_limit": limit,
        "per_customer": form["per_customer"],
    }
    return form, body, errors


@bp.post("/promotions")
def save_promotion():
    form, body, errors = _read()
    if errors:
        return _page(_promotions(), form, errors, 422)
    if form["editing"]:
        resp = client.call("PUT", f"/api/promotions/{form['code']}", json=body)
    else:
        resp = client.call("POST", "/api/promotions", json={"code": form["code"], **body})
    if resp.status_code in (200, 201):
        return redirect_after_post("/admin/promotions?done=saved")
    if resp.status_code == 409:
        errors = {"code": MESSAGES["taken"]}
    elif resp.status_code == 404:
        errors = {"code": "That code was deleted meanwhile: add it again."}
        form["editing"] = False
    else:
        errors = {"form": message_of(resp)}
    return _page(_promotions(), form, errors, 409 if resp.status_code == 409 else 422)


@bp.post("/promotions/<code>/delete")
def delete_promotion(code):
    return delete_rule(
        next((p for p in _promotions() if p["id"] == code), None),
        page="/admin/promotions",
        api="/api/promotions",
        question=lambda promo: f"Delete the promo code {promo['id']}?",
        consequence="Shoppers can no longer use it. Orders placed with it keep their discount.",
        confirm="Yes, delete code",
    )
