"""Checkout fragments: shipping address, delivery option, review and "Place order", which sends the shopper to the
payment provider's page; then the return page with the live order status. No card number ever passes through here."""

from __future__ import annotations

import time

from flask import Blueprint, g, make_response, redirect, render_template, request

from common.api import address as address_fields
from common.auth import order_links
from common.errors import NotFound
from common.ids import is_id, is_minted_id
from common.platform import platform_of
from common.web.htmx import HX_PUSH_URL, redirect_after_post, wants_fragment
from fragments import promo
from fragments.sign_in import require_sign_in, sign_in_url

from . import client, forms
from .deps import deps

bp = Blueprint("checkout", __name__)


def _sign_in_or_guest(url: str, status: int = 200, form: dict | None = None, errors: dict | None = None):
    """A shopper without a session on the way to checkout keeps the page: sign in (the cart comes along), or go on
    as a guest with an email."""
    if not client.cart().get("items"):
        return _empty_cart()
    return _step("_guest.html", status, sign_in=url, form=form or {}, errors=errors or {})


def _as_guest() -> bool:
    """A checkout without a session goes on once the shopper gave an email ("Continue as guest")."""
    if request.endpoint == "checkout.continue_as_guest":
        return True
    if request.endpoint == "checkout.pay" and request.form.get("link"):  # "Pay now" on a guest's order link page
        return True
    return bool(deps().drafts.load().get("guest"))


require_sign_in(bp, "/checkout", notice=_sign_in_or_guest, allow=_as_guest)


def _guest(draft: dict) -> str | None:
    """The guest's email: their checkout never asks the account's APIs (addresses, profile)."""
    return draft.get("guest") or None


def _link(order_id: str) -> str | None:
    """A guest's way to their order: the signed link its placing answered with, kept in the draft."""
    placed = deps().drafts.load().get("placed") or {}
    return placed.get("link") if placed.get("order_id") == order_id else None


def _empty_cart():
    return _step(
        "_notice.html",
        title="Your cart is empty",
        message="Add something you like, then check out.",
        link=("/products", "Browse products"),
    )


def _advance(url: str, render):
    """On to the next step: htmx swaps it in place and the address bar follows; a plain form gets a 303."""
    if not wants_fragment():
        return redirect(url, code=303)
    resp = make_response(render())
    resp.headers[HX_PUSH_URL] = url
    return resp


def _step(template: str, status: int = 200, **context):
    return render_template(f"checkout/{template}", **context), status


def _address_step(draft: dict, status: int = 200, form: dict | None = None, errors: dict | None = None):
    saved = [] if _guest(draft) else client.addresses()
    # A returning shopper's first saved address is picked already: one click to go on.
    chosen = (form or {}).get("address_id") or draft.get("address_id") or (saved[0]["id"] if saved else "new")
    return _step(
        "_address.html",
        status,
        saved=saved,
        form=form or draft.get("address") or {},
        chosen=chosen,
        errors=errors or {},
    )


def _priced(draft: dict, cart: dict) -> dict | None:
    """The cart priced for the draft's address, delivery option and the cart's promo code; a code that stopped
    applying (the goods fell under its minimum spend) is dropped rather than blocking the checkout."""
    country, option = draft["address"]["country"], draft.get("delivery_option")
    priced = client.quote(country, option, cart.get("promo_code"))
    if not priced.ok and cart.get("promo_code"):
        priced = client.quote(country, option, None)
    return priced.value if priced.ok else None


def _delivery_step(draft: dict, status: int = 200, error: str | None = None):
    quote = _priced(draft, client.cart())
    options = quote["options"] if quote else []
    chosen = draft.get("delivery_option") or (options[0]["id"] if options else None)
    subtotal = quote["subtotal"] if quote else 0
    return _step("_delivery.html", status, draft=draft, options=options, chosen=chosen, subtotal=subtotal, error=error)


def _review_step(draft: dict, status: int = 200, error: str | None = None, promo_error=None, promo_typed=""):
    cart = client.cart()
    return _step(
        "_review.html",
        status,
        draft=draft,
        cart=cart,
        quote=_priced(draft, cart),
        error=error,
        promo_error=promo_error,
        promo_typed=promo_typed,
    )


@bp.get("/start")
def start():
    cart = client.cart()
    if not cart.get("items"):
        return _empty_cart()
    short = [line["name"] for line in cart["items"] if line.get("exceeds_stock")]
    if short:  # the shop knows it cannot sell these: the shopper fixes the cart before paying for anything
        return _step(
            "_notice.html",
            409,
            title="Your cart needs a change first",
            message=f"We don't have enough of {', '.join(short)}. Remove or reduce the lines marked in your cart, "
            "then check out.",
            link=("/cart", "Back to your cart"),
        )
    draft = deps().drafts.load()
    if draft and draft.get("placed"):
        waiting = _order(draft["placed"]["order_id"])
        if waiting.get("status") in ("PENDING", "AWAITING_PAYMENT"):  # the cart is that order's until it is paid
            return _step(
                "_notice.html",
                title="Your order is waiting for payment",
                message="Your items are held for the order you placed. Pay for it, or cancel it to start again.",
                link=(f"/checkout/pay?order={waiting['id']}", "Pay now"),
            )
    if not draft or draft.get("placed"):
        # A new attempt, with a new Idempotency-Key; the address and delivery of one that ended unpaid are kept.
        kept = {k: draft[k] for k in ("address", "address_id", "delivery_option", "guest") if draft and k in draft}
        draft = deps().drafts.save({**deps().drafts.fresh(), **kept})
    return _address_step(draft)


@bp.post("/guest")
def continue_as_guest():
    """ "Continue as guest": the email the order's receipts and link go to; then the address, as for everyone."""
    email, error = forms.email(request.form.get("email", ""))
    if error:
        return _sign_in_or_guest(sign_in_url("/checkout"), 422, form={"email": email}, errors={"email": error})
    draft = deps().drafts.save({**deps().drafts.fresh(), "guest": email})
    return _advance("/checkout", lambda: _address_step(draft))


@bp.post("/address")
def save_address():
    draft, choice = deps().drafts.load() or deps().drafts.fresh(), request.form.get("address_id", "new")
    if _guest(draft):
        choice = "new"  # a guest has no saved addresses
    if choice != "new":
        address = next(({k: a[k] for k in address_fields.NAMES} for a in client.addresses() if a["id"] == choice), None)
        if address is None:
            return _address_step(draft, 422, form={"address_id": "new"}, errors={"address_id": "Choose an address."})
    else:
        address, errors = forms.address(request.form)
        if errors:
            return _address_step(draft, 422, form={**address, "address_id": "new"}, errors=errors)
    draft = deps().drafts.save({**draft, "address": address, "address_id": choice, "placed": None})
    return _advance("/checkout/delivery", lambda: _delivery_step(draft))


@bp.get("/delivery")
def delivery():
    draft = deps().drafts.load()
    if placed := _placed(draft):
        return placed
    if not draft.get("address"):
        return redirect_after_post("/checkout")
    return _delivery_step(draft)


@bp.post("/delivery")
def save_delivery():
    """One of the options serving the address's country; any other answer is asked again, beside the field."""
    draft = deps().drafts.load()
    if not draft.get("address"):
        return redirect_after_post("/checkout")
    quote = _priced(draft, client.cart())
    choice = request.form.get("delivery_option", "")
    if not quote or choice not in {o["id"] for o in quote["options"]}:
        return _delivery_step(draft, 422, "Choose a delivery option.")
    draft = deps().drafts.save({**draft, "delivery_option": choice, "placed": None})
    return _advance("/checkout/review", lambda: _review_step(draft))


def _placed(draft: dict):
    """Back to a step of a checkout that has become an order: that order's page, not an empty form."""
    if not draft.get("placed"):
        return None
    link = draft["placed"].get("link")
    return redirect_after_post(f"/orders/link/{link}" if link else f"/orders/{draft['placed']['order_id']}")


@bp.get("/payment")
def payment():
    """The card is typed on the provider's page now: an old link to this step goes on to the review."""
    return redirect_after_post("/checkout/review")


@bp.get("/review")
def review():
    draft = deps().drafts.load()
    if placed := _placed(draft):
        return placed
    if not draft.get("address"):
        return redirect_after_post("/checkout")
    if not draft.get("delivery_option"):
        return redirect_after_post("/checkout/delivery")
    return _review_step(draft)


@bp.post("/promo")
def apply_promo():
    """ "Apply" at the review: the code joins the cart, priced for this address; a refusal (unknown, expired, used
    up, under its minimum spend) beside the field, the typed code kept."""
    draft = deps().drafts.load()
    if placed := _placed(draft):
        return placed
    if not draft.get("address") or not draft.get("delivery_option"):
        return redirect_after_post("/checkout")
    code, wrong = promo.typed(request.form)
    applied = client.apply_promo(code, draft["address"]["country"]) if not wrong else None
    if wrong or (applied is not None and not applied.ok):
        return _review_step(draft, 422, promo_error=wrong or (applied and applied.message), promo_typed=code)
    return _advance("/checkout/review", lambda: _review_step(draft))


@bp.post("/promo/remove")
def remove_promo():
    draft = deps().drafts.load()
    if placed := _placed(draft):
        return placed
    client.remove_promo()
    return _advance("/checkout/review", lambda: _review_step(draft))


def _to_provider(order_id: str, wait: float = 0.0):
    """Off to the provider's hosted page (HX-Redirect with htmx, a 303 without); if the order cannot be paid yet,
    to /checkout/pay, which waits for it and then goes on (or says why the order ended)."""
    page = client.payment_page(order_id, wait, _link(order_id))
    return redirect_after_post(page.value if page.ok and page.value else f"/checkout/pay?order={order_id}")


def _ready_wait() -> float:
    """How long "Place order" may wait for the provider's page: READY_WAIT, but never past 60 % of the shell's
    fragment timeout counted from when this request arrived. The rest is the shell's margin: on a loaded machine the
    shopper goes on to the waiting page (/checkout/pay) rather than "We couldn't confirm that this went through"."""
    spent = time.perf_counter() - g.get("started", time.perf_counter())
    return max(0.0, min(client.READY_WAIT, platform_of().settings.fragment_timeout * 0.6 - spent))


@bp.post("/place")
def place():
    """Place the order (its stock is reserved), then send the shopper to pay on the provider's page."""
    draft, key = deps().drafts.load(), request.form.get("idempotency_key", "")
    if not is_minted_id(key) or not draft.get("address") or not draft.get("delivery_option"):
        return redirect_after_post("/checkout")
    if draft.get("placed") and draft["placed"]["key"] == key:  # a second click: the same order, the same page
        return _to_provider(draft["placed"]["order_id"], _ready_wait())
    # The cart's promo code as the review priced it (the review drops one that no longer applies, and so does this).
    promo = (_priced(draft, client.cart()) or {}).get("promo_code")
    guest = _guest(draft)
    phone = None if guest else client.phone()
    placed = client.place(key, draft["address"], phone, draft["delivery_option"], promo, guest)
    if not placed.ok:
        return _review_step(draft, placed.status, placed.message)
    order = placed.value
    deps().drafts.save({**draft, "placed": {"key": key, "order_id": order["id"], "link": order.get("link")}})
    return _to_provider(order["id"], _ready_wait())  # the cart stays until the order is confirmed


@bp.post("/pay")
def pay():
    """ "Pay now" on an order still awaiting payment: the provider's page again (the same checkout)."""
    order_id = request.form.get("order_id", "")
    if not is_id(order_id):
        raise NotFound("We couldn't find that order")
    sent = request.form.get("link", "")  # from a guest's order link page
    link = _link(order_id) or (sent if order_links.looks_like_token(sent) else None)
    page = client.payment_page(order_id, link=link)
    if not page.ok or not page.value:
        return _order_page("checkout/_return.html", order_id, 409, error=page.message, link=link)
    return redirect_after_post(page.value)


@bp.get("/pay/<order_id>")
def paying(order_id):
    """On the way to the provider's page: it follows as soon as the order's stock is held (this region polls, or the
    page refreshes itself without JS); an order that ended first (out of stock) shows its status instead. Once it
    has sent the shopper on, Back to this page shows the order (with "Pay now") rather than the provider again."""
    draft = deps().drafts.load()
    placed = draft.get("placed") or {}
    if placed.get("order_id") == order_id and placed.get("sent"):
        # Back from the provider's page (loaded again, or restored from the back/forward cache and polling again):
        # the order, never a page that bounces forward to the provider.
        return _placed(draft)
    order = _order(order_id)
    if order.get("status") in ("PENDING", "AWAITING_PAYMENT"):
        page = client.payment_page(order_id, link=_link(order_id))
        if page.ok and page.value:
            if placed.get("order_id") == order_id:
                deps().drafts.save({**draft, "placed": {**placed, "sent": True}})
            return redirect_after_post(page.value)
    return _order_page("checkout/_paying.html", order_id)


@bp.get("/return/<order_id>")
def back_from_provider(order_id):
    """Where the provider sends the shopper back (paid, or `left` the page). The payments service is asked to check
    with the provider; the order's status shows what the provider's word made of it."""
    if not is_id(order_id):
        raise NotFound("We couldn't find that order")
    link = _link(order_id)
    client.ask_provider(order_id, link)
    left = request.args.get("left") == "1"
    order = _order(order_id)
    retry = None
    if left and order.get("status") == "AWAITING_PAYMENT":
        page = client.payment_page(order_id, link=link)
        retry = page.value if page.ok else None
    return _order_page("checkout/_return.html", order_id, left=left, retry=retry)


def _order(order_id: str, link: str | None = None) -> dict:
    if not is_id(order_id):
        raise NotFound("We couldn't find that order")
    return client.order(order_id, link or _link(order_id))


def _order_page(template: str, order_id: str, status: int = 200, link: str | None = None, **context):
    """A page about one order, with the way back to it: its page for a shopper, its signed link for a guest."""
    link = link or _link(order_id)
    order_url = f"/orders/link/{link}" if link else f"/orders/{order_id}"
    return render_template(template, order=_order(order_id, link), order_url=order_url, **context), status


@bp.get("/confirmation/<order_id>")
def confirmation(order_id):
    return _order_page("checkout/_confirmation.html", order_id)


@bp.get("/confirmation/<order_id>/status")
def status(order_id):
    """Polled by htmx every second until the order is settled; the settled answer carries no trigger."""
    return _order_page("checkout/_status.html", order_id)
