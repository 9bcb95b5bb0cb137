"""Products fragments: featured list, the searchable grid and the product detail."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template, request

from . import client

bp = Blueprint("products", __name__)
SORT_LABELS = {"name": "Name", "price": "Price: low to high", "-price": "Price: high to low",
               "-created": "Newest"}
FILTER_KEYS = ("q", "category", "min_price", "max_price", "sort")


@bp.get("/featured")
def featured():
    page, _ = client.search({"featured": "true", "per_page": 8, "sort": "name"})
    return render_template("products/_featured.html", products=client.with_stock(page["items"]))


def _price_cents(text: str):
    """Shoppers type dollars; the API takes cents. Bad text is left for the API to reject."""
    try:
        return str(round(float(text) * 100)) if text.strip() else ""
    except ValueError:
        return text


@bp.get("/grid")
def grid():
    form = {k: request.args.get(k, "") for k in FILTER_KEYS + ("page",)}
    params = {**form, "min_price": _price_cents(form["min_price"]), "max_price": _price_cents(form["max_price"]),
              "per_page": request.args.get("per_page", "12")}
    page, errors = client.search(params)
    keep = {k: v for k, v in form.items() if v and k != "page"}
    return render_template("products/_grid.html", page=page, errors=errors, form=form,
                           products=client.with_stock(page["items"]) if page else [],
                           categories=client.categories(), sorts=SORT_LABELS,
                           page_url=lambda n: "/products?" + urlencode({**keep, "page": n})), 422 if errors else 200


@bp.get("/detail/<product_id>")
def detail(product_id):
    product = client.with_stock([client.product(product_id)])[0]
    return render_template("products/_detail.html", product=product)
