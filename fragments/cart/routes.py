"""Cart fragments: the header's mini-cart, add-to-cart answers and the cart page with its line forms."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, make_response, redirect, render_template, request

from common.auth.session import CART_COOKIE
from common.ids import SKU, is_id
from common.web.cacheable import PERSONAL, per_session, personal, signed_out
from common.web.htmx import HX_TRIGGER, safe_path, wants_fragment
from fragments import promo
from fragments.result import Result

from . import client

bp = Blueprint("cart", __name__)
OPTION_FIELD = "option:"  # the product page's radio groups: option:Size=M
GUEST_COOKIE_AGE = 14 * 24 * 3600  # as long as the API keeps a guest cart
CHANGED = {HX_TRIGGER: "cart-changed"}  # the mini-cart listens for this and refetches itself
# How long a shopper's own mini-cart may be reused: the shell drops it at once on any write it relays for the
# session (an add, a line change, an order), so this bounds only changes made elsewhere (another shell, the API).
MINI_MAX_AGE = 10
ESTIMATE_COUNTRY = "US"  # the cart estimates delivery and tax for the shop's home; the checkout prices the address


def back_after_add(value: str | None) -> str:
    """Where "Add to cart" without JavaScript returns to: a path on this site, else the cart."""
    return safe_path(value, default="/cart")


def _quantity(text: str | None) -> int | None:
    try:
        value = int((text or "").strip())
    except ValueError:
        return None
    return value if 0 <= value <= 99 else None


def _keep_guest_cart(resp, result: Result[dict]):
    """A new guest cart's id, or the current one again: the cookie lives as long as the cart keeps being used."""
    cart_id = (result.value or {}).get("cart_id")
    if cart_id:
        resp.set_cookie(
            CART_COOKIE,
            cart_id,
            max_age=GUEST_COOKIE_AGE,
            path="/",
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return resp


@bp.get("/mini/signed-out")
@signed_out
def signed_out_mini():
    """The mini-cart of every browser with no cart and no account: empty (client.count() asks nobody for them)."""
    return render_template("cart/_mini.html", count=0)


@bp.get("/mini")
@per_session(MINI_MAX_AGE)
def mini():
    count = client.count()
    resp = make_response(render_template("cart/_mini.html", count=count))
    if count is None:  # the cart service could not say: not worth keeping
        resp.headers["Cache-Control"] = PERSONAL
    return resp


@bp.post("/add")
def add():
    """With htmx: a status line for #add-status plus cart-changed. Without: back to `next`, or the error."""
    product_id, quantity = request.form.get("product_id", ""), _quantity(request.form.get("quantity", "1"))
    back = back_after_add(request.form.get("next"))
    choice = chosen_variant(request.form)
    if not is_id(product_id) or choice is None:
        result = Result.failed("That product is not available")
    elif not quantity:
        result = Result.failed("Choose a quantity from 1 to 99")
    else:
        result = client.add(product_id, quantity, **choice)
    if not result.ok:
        return render_template("cart/_added.html", result=result, back=back, full=not wants_fragment()), 422
    if wants_fragment():
        resp = make_response(render_template("cart/_added.html", result=result, back=back, full=False))
        resp.headers.update(CHANGED)
    else:  # the product page answers for the variant just added
        chosen = {f"{OPTION_FIELD}{k}": v for k, v in (choice or {}).get("options", {}).items()}
        resp = redirect(f"{back}?{urlencode(chosen)}" if chosen and "?" not in back else back, code=303)
    return _keep_guest_cart(resp, result)


def chosen_variant(form) -> dict | None:
    """Which variant the product page's form names: its radio groups (`option:<name>`, what a shopper without
    JavaScript sends) or a SKU; neither for a product without options. None when the form is malformed."""
    options = {k.removeprefix(OPTION_FIELD): v for k, v in form.items() if k.startswith(OPTION_FIELD)}
    sku = form.get("sku") or None
    if len(options) > 3 or any(len(k) > 30 or len(v) > 30 for k, v in options.items()):
        return None
    if sku is not None and not SKU.fullmatch(sku):
        return None
    return {"options": options} if options else {"sku": sku} if sku else {}


def _page(cart: dict | None, error=None, line_error=None, promo_error=None, typed=""):
    """The cart page with its breakdown, estimated for the shop's home country; a code that stopped applying
    (the goods fell under its minimum spend) is left out of the totals and says why beside its field."""
    quote = None
    if cart and cart["items"]:
        priced = client.quote(ESTIMATE_COUNTRY, cart.get("promo_code"))
        if not priced.ok:
            promo_error = promo_error or priced.message
            priced = client.quote(ESTIMATE_COUNTRY, None)
        quote = priced.value
    return render_template(
        "cart/_page.html",
        cart=cart,
        error=error,
        line_error=line_error,
        quote=quote,
        estimate_country=ESTIMATE_COUNTRY,
        promo={"error": promo_error, "typed": typed},
    )


@bp.get("/page")
@personal
def page():
    return _page(client.cart().value)


def _after_change(result: Result[dict], sku: str):
    """A line changed: the page again (htmx) or a redirect to /cart (no JS); an error re-renders with 422."""
    if not result.ok:
        current = client.cart().value
        on_page = current is not None and any(i["sku"] == sku for i in current["items"])
        return _page(current, result.message, sku if on_page else None), 422  # else shown above the lines
    if not wants_fragment():
        return redirect("/cart", code=303)
    resp = make_response(_page(result.value))
    resp.headers.update(CHANGED)
    return resp


@bp.post("/items/<sku>")
def update_line(sku):
    """A new quantity from the stepper (its -/+ forms carry quantity ±1; the middle one the typed number). A line
    is one variant, named by its SKU."""
    quantity = _quantity(request.form.get("quantity"))
    if not SKU.fullmatch(sku):
        return _after_change(Result.failed("That product is not in your cart"), "")
    if quantity is None:
        return _after_change(Result.failed("Choose a quantity from 0 to 99"), sku)
    return _after_change(client.set_quantity(sku, quantity), sku)


@bp.post("/items/<sku>/remove")
def remove_line(sku):
    if not SKU.fullmatch(sku):
        return _after_change(Result.failed("That product is not in your cart"), "")
    return _after_change(client.remove(sku), sku)


@bp.post("/promo")
def apply_promo():
    """ "Apply": the code kept with the cart once it prices it; a refusal beside the field, the typed code kept."""
    typed, wrong = promo.typed(request.form)
    result: Result[dict] = Result.failed(wrong) if wrong else client.apply_promo(typed, ESTIMATE_COUNTRY)
    if not result.ok:
        return _page(client.cart().value, promo_error=result.message, typed=typed), 422
    return _after_change(client.cart(), "")


@bp.post("/promo/remove")
def remove_promo():
    client.remove_promo()
    return _after_change(client.cart(), "")
