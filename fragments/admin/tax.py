"""Tax rates page: each country's rate and whether its prices include the tax (VAT style); set, edit, delete."""

from __future__ import annotations

import re

from flask import Blueprint, render_template, request

from common.api.address import COUNTRY_CHOICES, COUNTRY_MESSAGE, COUNTRY_NAMES
from common.web.htmx import redirect_after_post
from fragments.result import message_of

from . import client
from .forms import text
from .rules import delete_rule

bp = Blueprint("admin_tax", __name__)
RATE = re.compile(r"^([0-9]{1,3})(?:\.([0-9]{1,2}))?$")  # percent with up to two decimals: basis points
MESSAGES = {
    "country": COUNTRY_MESSAGE,
    "rate": "Enter a rate from 0 to 100 per cent, e.g. 19 or 8.25.",
}
DONE = {"saved": "Tax rate saved.", "deleted": "Tax rate deleted."}


def basis_points(value: str) -> int | None:
    """A percentage as typed ("19", "8.25", "7 %") in basis points, or None when it is not one from 0 to 100."""
    found = RATE.fullmatch(value.removesuffix("%").strip())
    if not found:
        return None
    points = int(found[1]) * 100 + int((found[2] or "0").ljust(2, "0"))
    return points if points <= 10_000 else None


def percent(points: int) -> str:
    """Basis points as the form shows them: 1900 -> "19", 825 -> "8.25"."""
    return f"{points // 100}.{points % 100:02d}".removesuffix(".00")


def _rates() -> list[dict]:
    return client.call("GET", "/api/tax").json()["items"]


def _page(rates: list[dict], form: dict, errors: dict | None = None, code: int = 200):
    return render_template(
        "admin/_tax.html",
        rates=sorted(rates, key=lambda r: COUNTRY_NAMES.get(r["id"], r["id"])),
        form=form,
        errors=errors or {},
        countries=COUNTRY_CHOICES,
        message=DONE.get(request.args.get("done", "")),
        percent=percent,
    ), code


@bp.get("/tax")
def rate_list():
    rates = _rates()
    editing = next((r for r in rates if r["id"] == request.args.get("edit")), None)
    if editing is None:
        return _page(rates, {"country": "", "rate": "", "inclusive": False})
    return _page(rates, {"country": editing["id"], "rate": percent(editing["rate"]), "inclusive": editing["inclusive"]})


@bp.post("/tax")
def save_rate():
    form = {"country": text("country", 2).upper(), "rate": text("rate", 10), "inclusive": "inclusive" in request.form}
    points = basis_points(form["rate"])
    errors = {}
    if form["country"] not in COUNTRY_NAMES:
        errors["country"] = MESSAGES["country"]
    if points is None:
        errors["rate"] = MESSAGES["rate"]
    rates = _rates()
    if errors:
        return _page(rates, form, errors, 422)
    resp = client.call("PUT", f"/api/tax/{form['country']}", json={"rate": points, "inclusive": form["inclusive"]})
    if resp.status_code != 200:
        return _page(rates, form, {"form": message_of(resp)}, 422)
    return redirect_after_post("/admin/tax?done=saved")


@bp.post("/tax/<country>/delete")
def delete_rate(country):
    return delete_rule(
        next((r for r in _rates() if r["id"] == country), None),
        page="/admin/tax",
        api="/api/tax",
        question=lambda rate: f"Delete the tax rate for {COUNTRY_NAMES.get(rate['id'], rate['id'])}?",
        consequence="Orders to it are then charged no tax. Placed orders keep the tax they were charged.",
        confirm="Yes, delete rate",
    )
