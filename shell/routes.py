"""Shell pages (each one main fragment in the layout) and the /f/<fragment>/… proxy."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, g, render_template, request

from common.auth.identity import token_identity
from common.auth.session import ACCESS_COOKIE
from common.errors import AppError, Forbidden, NotFound, Unauthorized
from common.ids import ID, IMAGE_UPLOAD_FORM
from common.observability.registry import INTERNAL_PATHS
from common.web.htmx import safe_path, wants_fragment

from .caching import sessions
from .composition import Slot, fetch, forwarded_headers
from .deps import deps
from .responses import fragment_response, page_response, render_page, shell_page, start_header

bp = Blueprint("shell", __name__)
# Every process serves these; through the shell they would show a fragment app's internals to the world.
INTERNAL_SEGMENTS = frozenset(path.removeprefix("/") for path in INTERNAL_PATHS)
# Where a failed form post sends the shopper back to when the browser sent no usable Referer.
IMAGE_HEADERS = ("Content-Type", "Cache-Control", "ETag")
# Form posts that carry a file, and how large their body may be (every other post stays under MAX_BODY).
UPLOADS = {"admin": (IMAGE_UPLOAD_FORM, 8 * 1024 * 1024)}
FORM_PAGES = {
    "auth": "/login",
    "products": "/products",
    "cart": "/cart",
    "checkout": "/checkout",
    "profile": "/profile",
    "admin": "/admin",
}


@bp.get("/")
def home():
    return render_page("Home", Slot("main", "products", "/featured"))


@bp.get("/products")
def products():
    return render_page("Products", Slot("main", "products", "/grid"), active="products", own_search=True)


@bp.get("/products/<product_id>")
def product(product_id):
    related = Slot("related", "products", f"/related/{product_id}")
    return render_page(
        "Product", Slot("main", "products", f"/detail/{product_id}"), active="products", below=(related,)
    )


@bp.get("/cart")
def cart():
    related = Slot("related", "products", "/related-to-cart")
    return render_page("Your cart", Slot("main", "cart", "/page"), below=(related,))


@bp.get("/checkout")
def checkout():
    return render_page("Checkout", Slot("main", "checkout", "/start"))


@bp.get("/checkout/<any(payment, delivery, review):step>")
def checkout_step(step):
    return render_page("Checkout", Slot("main", "checkout", f"/{step}"))


def _order_arg() -> str:
    """The ?order=<id> of the pages around the payment provider; anything else is no such order."""
    order_id = request.args.get("order", "")
    if not ID.fullmatch(order_id):
        raise NotFound("We couldn't find that order")
    return order_id


@bp.get("/checkout/pay")
def checkout_pay():
    """On the way to the payment provider's page: ?order=<id>, while the saga holds the order's stock."""
    return render_page("Payment", Slot("main", "checkout", f"/pay/{_order_arg()}"))


@bp.get("/checkout/return")
def checkout_return():
    """Where the payment provider sends the shopper back: ?order=<id> (and left=1 when they gave up there)."""
    left = "?left=1" if request.args.get("left") == "1" else ""
    return render_page("Your order", Slot("main", "checkout", f"/return/{_order_arg()}{left}"))


@bp.get("/orders/<order_id>/confirmation")
def order_confirmation(order_id):
    return render_page("Order confirmation", Slot("main", "checkout", f"/confirmation/{order_id}"))


@bp.get("/orders")
def orders():
    return render_page("Your orders", Slot("main", "profile", "/orders"))


@bp.get("/orders/<order_id>")
def order(order_id):
    return render_page("Order", Slot("main", "profile", f"/orders/{order_id}"))


@bp.get("/orders/link/<token>")
def linked_order(token):
    """One order by the signed link its emails carry: the link is the credential, no account needed."""
    return render_page("Order", Slot("main", "profile", f"/orders/link/{token}"))


@bp.get("/profile")
def profile():
    return render_page("Your account", Slot("main", "profile", "/"))


@bp.get("/admin", defaults={"rest": ""})
@bp.get("/admin/<path:rest>")
def admin(rest):
    """The back office: /admin/<rest> is the admin fragment's /<rest>; the fragment checks the role."""
    if _internal(rest):
        raise NotFound("No such page")
    return render_page("Back office", Slot("main", "admin", f"/{rest}"), active="admin")


@bp.get("/<any(shipping, returns, contact):name>")
def info(name):
    """The shop's own pages (templates/info/), which designers edit: no fragment to ask."""
    return shell_page(render_template(f"info/_{name}.html"))


@bp.get("/login")
def login():
    return render_page("Sign in", Slot("main", "auth", "/login"))


@bp.get("/forgot-password")
def forgot_password():
    return render_page("Reset your password", Slot("main", "auth", "/forgot-password"))


@bp.get("/reset-password/<token>")
def reset_password(token):
    """A reset link from the email: the token is the auth fragment's (and the auth service's) to check."""
    return render_page("Set a new password", Slot("main", "auth", f"/reset-password/{token}"))


@bp.get("/verify-email/<token>")
def verify_email(token):
    """A "Confirm your email" link: the auth fragment asks before confirming."""
    return render_page("Confirm your email", Slot("main", "auth", f"/verify-email/{token}"))


@bp.get("/confirm-email-change/<token>")
def confirm_email_change(token):
    """The link "Change email" sends to the new address: the auth fragment asks before changing anything."""
    return render_page("Confirm your new email", Slot("main", "auth", f"/confirm-email-change/{token}"))


@bp.get("/undo-email-change/<token>")
def undo_email_change(token):
    """The link the old address gets once the email changed: the auth fragment asks before undoing."""
    return render_page("Undo the email change", Slot("main", "auth", f"/undo-email-change/{token}"))


@bp.get("/register")
def register():
    return render_page("Create account", Slot("main", "auth", "/register"))


@bp.get("/logout")
def logout():
    return render_page("Sign out", Slot("main", "auth", "/logout"))


@bp.get("/images/products/<name>")
def product_image(name):
    """A product image (binary, so not a composed fragment): relayed from the products fragment with its caching
    headers; like /static, no browser's cookie rides on an answer caches may keep for a year."""
    g.pop("csrf_minted", None)
    # no-store: the browser (and any CDN) keeps images a year; the shell's fragment cache is for small HTML.
    headers = {"Cache-Control": "no-store"}
    if "If-None-Match" in request.headers:
        headers["If-None-Match"] = request.headers["If-None-Match"]
    resp = deps().fragments["products"].request("GET", f"/images/{name}", headers=headers)
    if resp.status_code not in (200, 304):
        raise NotFound("No such image")
    kept = {h: resp.headers[h] for h in IMAGE_HEADERS if h in resp.headers}
    return Response(resp.content if resp.status_code == 200 else b"", status=resp.status_code, headers=kept)


def _only_admins_upload() -> None:
    """An upload's body is read only for an admin: anyone else is refused on the headers alone (the admin fragment
    and the gateway check again; this keeps a guest's 8 MB from being read and relayed)."""
    token = (g.get("session_tokens") or {}).get("access_token") or request.cookies.get(ACCESS_COOKIE)
    if not token:
        raise Unauthorized("Sign in as an admin to upload images")
    try:
        admin = token_identity(token).is_admin
    except AppError:
        raise Unauthorized("Sign in as an admin to upload images") from None
    if not admin:
        raise Forbidden("Only admins can upload images")


def _internal(rest: str) -> bool:
    """A probe or metrics path of the fragment app, or a dot segment that might resolve to one further on."""
    segments = rest.split("/")
    return segments[0] in INTERNAL_SEGMENTS or any(part in (".", "..") for part in segments)


def form_page(fragment: str) -> str:
    """The page the request came from: the Referer when it is this site's, else the fragment's own page."""
    default = FORM_PAGES.get(fragment, "/")
    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host:
        return default
    return safe_path(parts.path + (f"?{parts.query}" if parts.query else ""), default)


@bp.route("/f/<fragment>/", defaults={"rest": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@bp.route("/f/<fragment>/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def proxy(fragment, rest):
    """htmx gets the fragment as is; a plain browser (a form without JS) gets it inside a full page."""
    if fragment not in deps().fragments or _internal(rest):
        raise NotFound("No such fragment")
    upload = UPLOADS.get(fragment)
    if upload and request.method == "POST" and upload[0].fullmatch(rest):
        _only_admins_upload()  # before a byte of the body is read
        request.max_content_length = upload[1]
    back = form_page(fragment)
    page_url = back if request.method != "GET" else request.full_path.rstrip("?")
    # Without JS the answer is a whole page: its header loads while the fragment answers, not after it.
    header = None if wants_fragment() else start_header(page_url)
    slot = Slot("main", fragment, f"/{rest}")
    headers = forwarded_headers()
    try:
        fetched = fetch(
            slot,
            headers,
            method=request.method,
            query=request.query_string,
            body=request.get_data() if request.method != "GET" else None,
            page_url=back,
        )
    finally:
        if request.method != "GET":  # a write (even one that seemed to fail) ends what was kept for its session
            deps().session_cache.forget(sessions(headers.get("Cookie")))
    if wants_fragment():
        return fragment_response(fetched)
    return page_response("Fragmart", fetched, page_url=page_url, header=header)
