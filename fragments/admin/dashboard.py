"""The dashboard: orders today by status, revenue today, low stock, dead letters waiting, service health."""

from __future__ import annotations

from flask import Blueprint, render_template

from . import client

bp = Blueprint("admin_dashboard", __name__)
LOW_STOCK_SHOWN = 8


@bp.get("/")
def dashboard():
    summary = client.optional("GET", "/api/orders/summary", None)
    low = client.optional("GET", "/api/stock", None, params={"per_page": LOW_STOCK_SHOWN, "low": "true"})
    dead = client.optional("GET", "/api/events/dead-letters", None, params={"per_page": 1})
    return render_template("admin/_dashboard.html", summary=summary, low=low, dead=dead, health=client.health())
