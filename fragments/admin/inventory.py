"""Stock page: available and reserved per SKU, low stock first; set a level or adjust it by a delta."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template, request

from common.errors import NotFound
from common.ids import SKU
from common.web.htmx import redirect_after_post, safe_path
from fragments.result import message_of

from . import client, forms

bp = Blueprint("admin_inventory", __name__)
PER_PAGE = 25


def _query() -> dict:
    page = request.args.get("page", "1")
    # ?sku= is the link a low-stock email and the dashboard give: that SKU's row, as a search for it.
    return {
        "q": (request.args.get("q") or request.args.get("sku") or "").strip()[:40],
        "page": int(page) if page.isdigit() and 0 < int(page) <= 10_000 else 1,
    }


def _names(items: list[dict]) -> dict[str, str]:
    """Product names for the SKUs shown (one catalog call), so the table says what each SKU is."""
    ids = sorted({i["product_id"] for i in items if i.get("product_id")})
    if not ids:
        return {}
    found = client.optional("GET", "/api/products", {"items": []}, params={"ids": ",".join(ids), "per_page": 100})
    # each variant by its own name: "Classic Linen Shirt — M / Sand"
    return {v["sku"]: v["name"] for p in found["items"] for v in p.get("variants") or []}


def _page(errors: dict | None = None, form: dict | None = None, status: int = 200):
    query = _query()
    levels = client.call("GET", "/api/stock", params={**query, "per_page": PER_PAGE}).json()
    back = "/admin/inventory?" + urlencode(query)
    return render_template(
        "admin/_inventory.html",
        levels=levels,
        names=_names(levels["items"]),
        q=query["q"],
        errors=errors or {},
        form=form or {},
        back=back,
        saved=request.args.get("saved"),
        page_url=lambda n: "/admin/inventory?" + urlencode({**query, "page": n}),
    ), status


@bp.get("/inventory")
def stock_list():
    return _page()


def _sku(sku: str) -> str:
    if not SKU.fullmatch(sku):
        raise NotFound("We couldn't find that SKU")
    return sku


def _back(sku: str):
    target = safe_path(request.form.get("back"), "/admin/inventory")
    if not target.startswith("/admin/inventory"):
        target = "/admin/inventory"
    joiner = "&" if "?" in target else "?"
    return redirect_after_post(f"{target}{joiner}{urlencode({'saved': sku})}")


def _refused(sku: str, field: str, message: str, value: str):
    return _page({sku: {field: message}}, {sku: {field: value}}, 422)


def _answer(resp, sku: str, field: str, value: str):
    if resp.status_code == 200:  # the inventory service audits the change, with the change
        return _back(sku)
    if resp.status_code == 404:
        raise NotFound("We couldn't find that SKU")
    return _refused(
        sku, field, message_of(resp) if resp.status_code == 409 else "Enter a whole number of units.", value
    )


@bp.post("/inventory/<sku>")
def set_stock(sku):
    sku, value = _sku(sku), forms.text("quantity", 10)
    quantity = forms.whole(value)
    if quantity is None or quantity < 0:
        return _refused(sku, "quantity", "Enter a whole number of units, 0 or more.", value)
    resp = client.call("PUT", f"/api/inventory/{sku}", json={"quantity": quantity})
    return _answer(resp, sku, "quantity", value)


@bp.post("/inventory/<sku>/adjust")
def adjust_stock(sku):
    sku, value = _sku(sku), forms.text("delta", 10)
    delta = forms.whole(value)
    if delta is None or delta == 0:
        return _refused(sku, "delta", "Enter a whole number of units to add, or negative to remove.", value)
    resp = client.call("POST", f"/api/inventory/{sku}/adjust", json={"delta": delta})
    return _answer(resp, sku, "delta", str(delta))
