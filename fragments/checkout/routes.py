"""Checkout fragments."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("checkout", __name__)


@bp.get("/placeholder")
def placeholder():
    return render_template("checkout/_placeholder.html")
