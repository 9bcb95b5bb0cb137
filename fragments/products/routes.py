"""Products fragments: featured list, the searchable grid and the product detail."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template, request

from common.cacheable import cacheable

from . import client

bp = Blueprint("products", __name__)
SORT_LABELS = {"name": "Name", "price": "Price: low to high", "-price": "Price: high to low",
               "-created": "Newest"}
FILTER_KEYS = ("q", "category", "min_price", "max_price", "sort")
# The API's field errors, said in the shopper's terms (the form takes dollars; the API takes cents).
FIELD_MESSAGES = {
    "q": "Search for at most 100 characters.",
    "category": "Choose a category from the list.",
    "min_price": "Enter a price in dollars, like 25 or 19.99.",
    "max_price": "Enter a price in dollars, like 25 or 19.99.",
    "body": "The minimum price must not be above the maximum.",
}
# The same for every shopper. A price or stock change shows within max-age + stale-while-revalidate = 5 s (the
# bound in README); when the catalog is down, caches keep showing what they have for two hours.
SHARED = {"max_age": 2, "swr": 3, "sie": 7200}


@bp.get("/featured")
@cacheable(**SHARED)
def featured():
    page, _ = client.search({"featured": "true", "per_page": 8, "sort": "name"})
    return render_template("products/_featured.html", products=client.with_stock(page["items"]))


def _price_cents(text: str):
    """Shoppers type dollars; the API takes cents. Text that is not a price is left for the API to reject."""
    try:
        return str(round(float(text) * 100)) if text.strip() else ""
    except (ValueError, OverflowError):
        return text


def _form_errors(api_fields: dict) -> dict:
    errors = {k: FIELD_MESSAGES[k] for k in api_fields if k in FIELD_MESSAGES}
    if len(errors) < len(api_fields):  # sort, page, per_page: only a hand-edited URL gets these wrong
        errors["form"] = "Some of these filters can't be used. Adjust them and try again."
    return errors


@bp.get("/grid")
@cacheable(**SHARED, vary=("HX-Target",))  # HX-Target picks the results region or the whole catalog
def grid():
    form = {k: request.args.get(k, "").strip() for k in FILTER_KEYS + ("page", "per_page")}
    params = {**form, "min_price": _price_cents(form["min_price"]), "max_price": _price_cents(form["max_price"])}
    page, api_errors = client.search(params)
    keep = {k: v for k, v in form.items() if v and k != "page"}  # paging links keep every filter
    context = {"page": page, "errors": _form_errors(api_errors), "form": form,
               "products": client.with_stock(page["items"]) if page else [],
               "page_url": lambda n: "/products?" + urlencode({**keep, "page": n})}
    status = 422 if api_errors else 200
    if request.headers.get("HX-Target") == "results":  # a search or page swap: only #results, no form to fill
        return render_template("products/_results.html", **context), status
    return render_template("products/_grid.html", categories=client.categories(), sorts=SORT_LABELS,
                           **context), status


@bp.get("/detail/<product_id>")
@cacheable(**SHARED)  # its add-to-cart form carries the CSRF placeholder; the shell fills in each browser's token
def detail(product_id):
    product = client.with_stock([client.product(product_id)])[0]
    return render_template("products/_detail.html", product=product)
