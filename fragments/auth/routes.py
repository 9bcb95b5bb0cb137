"""Auth fragments: the account badge in the header."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("auth", __name__)


@bp.get("/badge")
def badge():
    return render_template("auth/_badge.html", user=None)
