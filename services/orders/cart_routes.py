"""Cart HTTP routes (carts live in Redis under orders:cart:<id>)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cart", __name__)
