"""Imports page: the last legacy catalog import (when, counts, the rows it refused) and how to run the next."""

from __future__ import annotations

from flask import Blueprint, render_template

from . import client
from .orders import when

bp = Blueprint("admin_imports", __name__)
COUNTS = (
    ("read", "Rows read"),
    ("created", "Created"),
    ("updated", "Updated"),
    ("stock_set", "Stock set"),
    ("unchanged", "Unchanged"),
    ("refused", "Refused"),
)


@bp.get("/imports")
def imports():
    found = client.call("GET", "/api/imports/legacy").json()
    return render_template(
        "admin/_imports.html", last=found["last"], high_water=found["high_water"], counts=COUNTS, when=when
    )
