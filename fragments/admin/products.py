"""Catalog pages: search and page the products, create, edit and delete one."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template, request

from common.errors import NotFound
from common.ids import is_id
from common.web.htmx import redirect_after_post
from fragments.confirm import ask, confirmed
from fragments.result import body_of, field_errors, fields_of, message_of

from . import audit, client, forms, variant_form

bp = Blueprint("admin_products", __name__)
PER_PAGE = 20


def _page() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and 0 < int(page) <= 10_000 else 1


@bp.get("/products")
def product_list():
    q = request.args.get("q", "").strip()[:100]
    listing = client.call("GET", "/api/products", params={"q": q, "page": _page(), "per_page": PER_PAGE}).json()
    return render_template(
        "admin/_products.html",
        listing=listing,
        q=q,
        saved=request.args.get("deleted"),
        page_url=lambda n: "/admin/products?" + urlencode({"q": q, "page": n}),
    )


def _product(product_id: str) -> dict:
    resp = client.call("GET", f"/api/products/{product_id}") if is_id(product_id) else None
    if resp is None or resp.status_code == 404:
        raise NotFound("We couldn't find that product")
    return resp.json()


def _form_page(product: dict | None, form: dict, errors: dict, status: int = 200, saved: str | None = None):
    categories = client.optional("GET", "/api/categories", {"items": []})["items"]
    return render_template(
        "admin/_product_form.html",
        product=product,
        form=form,
        errors=errors,
        saved=saved,
        categories=categories,
        audit=_trail(product),
    ), status


def _trail(product: dict | None) -> list[dict]:
    """The product's audit trail with its stock's, newest first."""
    if not product:
        return []
    entries = audit.entries_for("product", product["id"]) + audit.entries_for("stock", product["sku"])
    return sorted(entries, key=lambda e: e["at"], reverse=True)


@bp.get("/products/new")
def new_product():
    form = {"featured": False, "initial_stock": "0", "options": variant_form.blank_options(), "variants": []}
    return _form_page(None, form, {})


@bp.get("/products/<product_id>")
def edit_product(product_id):
    product = _product(product_id)
    form = {
        **product,
        "price": forms.price_text(product["price"]),
        "options": variant_form.options_form(product),
        "variants": variant_form.variant_rows(product, variant_form.stock_levels(product)),
    }
    return _form_page(product, form, {}, saved="Product saved." if request.args.get("saved") else None)


def _existing(product: dict | None) -> dict[str, dict]:
    """The product's variants by their combination's key (a combination kept keeps its SKU)."""
    if not product or not product.get("options"):
        return {}
    names = [o["name"] for o in product["options"]]
    return {variant_form.key_of(v["options"].get(n, "") for n in names): v for v in product["variants"]}


def _read_form(creating: bool, product: dict | None = None) -> tuple[dict, dict, dict]:
    """What was typed (to show again), the API body, and errors found before asking the API."""
    form = {k: forms.text(k) for k in ("name", "description", "category", "price", "sku", "initial_stock")}
    featured = request.form.get("featured") == "on"
    body: dict[str, object] = {
        "name": form["name"],
        "description": form["description"],
        "category": form["category"],
        "featured": featured,
    }
    errors = {}
    price = forms.price_minor(form["price"])
    if price is None or price <= 0:
        errors["price"] = forms.price_message(form["price"])
    body["price"] = price
    if creating:
        body["sku"] = form["sku"]
        stock = forms.whole(form["initial_stock"] or "0")
        if stock is None or stock < 0:
            errors["initial_stock"] = forms.PRODUCT_MESSAGES["initial_stock"]
        body["initial_stock"] = stock
    typed_options, options = variant_form.read_options(errors)
    # A combination new to the form starts with the product's initial stock (when creating), else 0.
    new_stock = form["initial_stock"] if creating and "initial_stock" not in errors else "0"
    rows, body["variants"] = variant_form.read_variants(options, errors, _existing(product), new_stock or "0")
    body["options"] = options
    return {**form, "featured": featured, "options": typed_options, "variants": rows}, body, errors


def _api_errors(resp, sku: str = "") -> dict:
    """The API's refusal beside its field: the product's SKU taken beside "SKU", a variant's above the form."""
    if resp.status_code == 409:
        taken = (body_of(resp).get("details") or {}).get("sku")
        return {"sku": "Another product already has this SKU."} if taken in (None, sku) else {"form": message_of(resp)}
    if set(fields_of(resp)) & {"options", "variants"}:
        return {"form": message_of(resp)}
    return field_errors(resp, forms.PRODUCT_MESSAGES)


@bp.post("/products")
def create_product():
    form, body, errors = _read_form(creating=True)
    if not errors:
        resp = client.call("POST", "/api/products", json=body)
        if resp.status_code == 201:  # the products service audits the creation, with it
            return redirect_after_post(f"/admin/products/{resp.json()['id']}?saved=1")
        errors = _api_errors(resp, form["sku"])
    return _form_page(None, form, errors, 422)


@bp.post("/products/<product_id>")
def update_product(product_id):
    product = _product(product_id)
    form, body, errors = _read_form(creating=False, product=product)
    form["sku"] = product["sku"]
    if not errors:
        resp = client.call("PATCH", f"/api/products/{product['id']}", json=body)
        if resp.status_code == 200:  # the products service audits the edit, with the edit
            for sku, units in variant_form.stock_counts(form["variants"]).items():
                client.call("PUT", f"/api/inventory/{sku}", json={"quantity": units})  # audited by inventory
            return redirect_after_post(f"/admin/products/{product['id']}?saved=1")
        errors = _api_errors(resp)
    return _form_page(product, form, errors, 422)


@bp.post("/products/<product_id>/delete")
def delete_product(product_id):
    product = _product(product_id)
    if not confirmed():
        return ask(
            "admin",
            f"Delete {product['name']}?",
            "It leaves the catalog at once and cannot be brought back.",
            f"/f/admin/products/{product['id']}/delete",
            "Yes, delete product",
            f"/admin/products/{product['id']}",
            cancel="No, keep it",
        )
    client.call("DELETE", f"/api/products/{product['id']}")  # audited by the products service, with it
    return redirect_after_post("/admin/products?deleted=1")
