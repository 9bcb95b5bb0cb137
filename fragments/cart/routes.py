"""Cart fragments: the mini-cart badge."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("cart", __name__)


@bp.get("/mini")
def mini():
    return render_template("cart/_mini.html", count=0)
