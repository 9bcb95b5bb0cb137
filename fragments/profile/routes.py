"""Profile fragments."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("profile", __name__)


@bp.get("/placeholder")
def placeholder():
    return render_template("profile/_placeholder.html")
