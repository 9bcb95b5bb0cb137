"""Sample data for /styleguide: every partial and every component macro, in each state a shopper can meet.

PARTIALS: template -> {state name: the context its fragment renders it with}.
MACROS: template -> {macro name: {state name: the macro's keyword arguments}}.
Edit freely: under `make run` this file is read again on every gallery load. A partial or macro with no
entry here fails `tests/unit/test_styleguide.py`, so a new one gets its states when it is added.
The back office's partials have their states in admin_samples.py beside this file, merged into PARTIALS below.
"""

import importlib.util
from datetime import datetime
from pathlib import Path

from common.carriers import shipment
from fragments.products.routes import band_label
from fragments.profile.two_factor import REQUIRED, qr_svg

SETUP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
SETUP_URI = f"otpauth://totp/Fragmart:admin%40example.com?secret={SETUP_SECRET}&issuer=Fragmart"
TWO_FACTOR = {"errors": {}, "saved": None, "message": None, "recovery_codes": None, "notice": None}
TWO_FACTOR_OFF = {"enabled": False, "available": True, "recovery_codes_left": 0, "setup": None, "qr": None}
TWO_FACTOR_SETUP = {
    **TWO_FACTOR_OFF,
    "setup": {"secret": SETUP_SECRET, "otpauth_uri": SETUP_URI},
    "qr": qr_svg(SETUP_URI),
}
TWO_FACTOR_ON = {"enabled": True, "available": True, "recovery_codes_left": 10, "setup": None, "qr": None}
STATUSES = ("PENDING", "AWAITING_PAYMENT", "CONFIRMED", "SHIPPED", "DELIVERED", "REJECTED", "CANCELLED")
REASONS = {"REJECTED": "Out of stock", "CANCELLED": "Card declined"}


def when(iso):
    return datetime.fromisoformat(iso).strftime("%d %b %Y, %H:%M UTC") if iso else ""


def page_url(n):
    return f"/products?q=mug&page={n}"


def stock(available):
    if available is None:
        return None
    if available <= 0:
        return {"label": "Out of stock", "level": "out", "available": 0}
    if available <= 5:
        return {"label": f"Only {available} left", "level": "low", "available": available}
    return {"label": "In stock", "level": "in", "available": available}


def product(product_id, sku, name, price, available, category="kitchen", image=True):
    """A product of the seeded local catalog (its id and SKU), so the gallery's product links lead somewhere."""
    return {
        "id": product_id,
        "sku": sku,
        "name": name,
        "price": price,
        "currency": "USD",
        "category": category,
        "description": f"{name}: a sample product for the styleguide.",
        "image": f"/static/img/categories/{category}.svg" if image else None,
        "stock": stock(available),
    }


IN_STOCK = product("ceramic-mug-set", "FM-KIT-009", "Ceramic Mug Set", 3200, 40)
LOW = product("bamboo-cutting-board", "FM-KIT-010", "Bamboo Cutting Board", 2400, 2)
OUT = product("waxed-canvas-jacket", "FM-APP-004", "Waxed Canvas Jacket", 18900, 0, "apparel")
UNKNOWN = product("insulated-water-bottle", "FM-OUT-017", "Insulated Water Bottle", 3400, None, "outdoors", image=False)
PRODUCTS = [IN_STOCK, LOW, OUT, UNKNOWN]
# A gallery of three (the styleguide has no uploads, so drawings without WebP copies stand in for them).
GALLERY = [
    {"url": "/static/img/categories/kitchen.svg", "widths": [], "alt": "Four mugs in sand, navy, rust and white"},
    {"url": "/static/img/categories/default.svg", "widths": [], "alt": "The mugs stacked, seen from above"},
    {"url": "/static/img/categories/stationery.svg", "widths": [], "alt": "One mug held in a hand, for scale"},
]
WITH_GALLERY = {**IN_STOCK, "images": GALLERY}


def image_url(n):
    return f"/products/ceramic-mug-set?image={n}"


# The linen shirt: sizes and colours, each combination a variant; XL in Navy is sold out.
SHIRT = {
    **product("classic-linen-shirt", "FM-APP-001", "Classic Linen Shirt", 4900, 3, "apparel"),
    "price_min": 4900,
    "price_max": 5400,
}


def choice(name, values, checked, sold_out=(), sku=lambda v: f"FM-APP-001-{v.upper()}"):
    """One option's radio group as the product page builds it (fragments/products/choice.py)."""
    return {
        "name": name,
        "values": [{"value": v, "checked": v == checked, "sku": sku(v), "sold_out": v in sold_out} for v in values],
    }


SIZES, COLOURS = ["S", "M", "L", "XL"], ["Sand", "Navy"]
SHIRT_L_NAVY = {
    "product": SHIRT,
    "variant": {"sku": "FM-APP-001-L-NAVY", "options": {"Size": "L", "Colour": "Navy"}},
    "groups": [choice("Size", SIZES, "L", sold_out=("XL",)), choice("Colour", COLOURS, "Navy")],
    "shown": 0,
    "image_url": lambda n: f"/products/classic-linen-shirt?variant=FM-APP-001-L-NAVY&image={n}",
}
SHIRT_XL_NAVY = {
    "product": {**SHIRT, "stock": stock(0)},
    "variant": {"sku": "FM-APP-001-XL-NAVY", "options": {"Size": "XL", "Colour": "Navy"}},
    "groups": [choice("Size", SIZES, "XL", sold_out=("XL",)), choice("Colour", COLOURS, "Navy", sold_out=("Navy",))],
    "shown": 0,
    "image_url": lambda n: f"/products/classic-linen-shirt?variant=FM-APP-001-XL-NAVY&image={n}",
}
ADDRESS = {
    "id": "addr-1",
    "name": "Ada Lovelace",
    "line1": "12 Analytical Row",
    "city": "London",
    "postal_code": "NW1 6XE",
    "country": "GB",
}
ADDRESS_2 = {**ADDRESS, "id": "addr-2", "line1": "1 Engine Street", "city": "Cambridge", "postal_code": "CB2 1TN"}
NO_ERRORS: dict[str, str] = {}
ADDRESS_FORM = {k: "" for k in ("name", "line1", "city", "postal_code", "country")}
ADDRESS_ERRORS = {
    "name": "Enter the name.",
    "line1": "Enter the address.",
    "postal_code": "Use letters, digits, spaces and dashes only.",
    "country": "Enter the country.",
}


def line(p, quantity, **extra):
    return {
        "product_id": p["id"],
        "name": p["name"],
        "price": p["price"],
        "currency": "USD",
        "quantity": quantity,
        "line_total": p["price"] * quantity,
        "available": 40,
        "exceeds_stock": False,
        "max_quantity": 99,
        **extra,
    }


def cart(*lines):
    return {
        "items": list(lines),
        "count": sum(x["quantity"] for x in lines),
        "subtotal": sum(x["line_total"] for x in lines),
        "currency": "USD",
    }


FULL_CART = cart(line(IN_STOCK, 2), line(LOW, 1))
EMPTY_CART = cart()
OVER_STOCK = cart(
    line(IN_STOCK, 1), line(LOW, 4, available=2, exceeds_stock=True), line(OUT, 1, available=0, exceeds_stock=True)
)
TIMELINE = ("PENDING", "AWAITING_PAYMENT", "CONFIRMED", "SHIPPED", "DELIVERED")


QUOTE = {
    "subtotal": 5997,
    "discount": 0,
    "delivery": 490,
    "tax": 454,
    "total": 6941,
    "currency": "USD",
    "tax_inclusive": False,
    "promo_code": None,
    "delivery_option": {"id": "standard", "name": "Standard", "estimate": "3–5 working days"},
}
QUOTE_WITH_CODE = {**QUOTE, "discount": 600, "tax": 412, "total": 6299, "promo_code": "WELCOME10"}
INCLUSIVE = {**QUOTE_WITH_CODE, "delivery": 0, "tax": 862, "total": 5397, "tax_inclusive": True}


def order(status, n=1, refund=False, reason=None):
    ends = {"REJECTED": ("PENDING", "REJECTED"), "CANCELLED": ("PENDING", "AWAITING_PAYMENT", "CANCELLED")}
    steps = ends[status] if status in ends else TIMELINE[: TIMELINE.index(status) + 1]
    paid = status in ("CONFIRMED", "SHIPPED", "DELIVERED") or refund
    lines = [{**line(IN_STOCK, 2), "unit_price": IN_STOCK["price"]}, {**line(LOW, 1), "unit_price": LOW["price"]}]
    return {
        "id": f"{n:08d}-5a7b-4c1d-9e2f-0123456789ab",
        "status": status,
        "lines": lines,
        "subtotal": 7000,
        "total": 7000,
        "currency": "USD",
        "breakdown": {**QUOTE, "subtotal": 7000, "tax": 490, "total": 7980} if n == 1 else None,
        "shipment": shipment("dhl", "JD014600006281234567") if status in ("SHIPPED", "DELIVERED") else None,
        "address": ADDRESS,
        "created_at": "2026-11-20T09:30:00+00:00",
        "email": "ada@example.com",
        "payment": {"brand": "visa", "last4": "4242"} if paid else None,
        "refund": {"amount": 7000, "currency": "USD"} if refund else None,
        "reason_text": reason or REASONS.get(status),
        "settled": status not in ("PENDING", "AWAITING_PAYMENT"),
        "cancellable": status in ("AWAITING_PAYMENT", "CONFIRMED"),
        "timeline": [{"status": s, "at": f"2026-11-20T09:3{i}:00+00:00"} for i, s in enumerate(steps)],
    }


def listing(orders, page=1, pages=1):
    return {"items": orders, "page": page, "pages": pages, "total": len(orders) * pages, "per_page": 10}


EVERY_ORDER = [order(s, n) for n, s in enumerate(STATUSES, start=1)]
DRAFT = {"address": ADDRESS, "key": "k-sample", "delivery_option": "standard"}
OPTIONS = [
    {
        "id": "standard",
        "name": "Standard",
        "countries": ["GB"],
        "price": 490,
        "free_over": 7500,
        "estimate": "3–5 working days",
    },
    {
        "id": "express",
        "name": "Express",
        "countries": ["GB"],
        "price": 1200,
        "free_over": None,
        "estimate": "Next working day",
    },
]
QUOTE = {
    "subtotal": 8000,
    "discount": 800,
    "delivery": 0,
    "tax": 1200,
    "total": 7200,
    "currency": "USD",
    "tax_inclusive": True,
    "promo_code": "WELCOME10",
    "delivery_option": OPTIONS[0],
    "options": OPTIONS,
}
SORTS = {
    "": "Best match",
    "name": "Name",
    "price": "Price: low to high",
    "-price": "Price: high to low",
    "-created": "Newest",
}
CATEGORIES = ["apparel", "electronics", "kitchen", "outdoors", "stationery"]
SEARCH = {"q": "mug", "category": "", "min_price": "", "max_price": "", "sort": ""}
SEARCH_CHOSEN = {**SEARCH, "q": "", "category": "apparel", "price_band": "25-50", "size": ["M"], "in_stock": "true"}


def band(value, low, high, count):
    found = {"value": value, "min": low, "max": high, "count": count}
    return {**found, "label": band_label(found)}


def counted(*pairs):
    return [{"value": v, "count": n} for v, n in pairs]


# The filters' counts as fragments/products/routes.py facet_choices makes them.
FACETS = {
    "category": counted(("apparel", 6), ("electronics", 5), ("kitchen", 5), ("outdoors", 4), ("stationery", 4)),
    "price_band": [band("under-25", 0, 2500, 7), band("25-50", 2500, 5000, 9), band("50-100", 5000, 10000, 5)]
    + [band("100-plus", 10000, None, 3)],
    "size": counted(("S", 2), ("M", 3), ("L", 3), ("XL", 1)),
    "colour": counted(("Navy", 2), ("Sand", 1)),
    "in_stock": 22,
}
FACETS_CHOSEN = {**FACETS, "colour": counted(("Navy", 1), ("Red", 0)), "in_stock": 2}
FACETS_WITHOUT_COUNTS = {
    "category": [{"value": c, "count": None} for c in CATEGORIES],
    "price_band": [],
    "size": [{"value": "M", "count": None}],
    "colour": [],
    "in_stock": None,
    "kept_band": "25-50",
}
BAD_SEARCH = {**SEARCH, "min_price": "cheap", "max_price": "5"}
FILTER_ERRORS = {"min_price": "Enter a price in dollars, like 25 or 19.99."}
RESULTS = {"page": {"page": 1, "pages": 3, "total": 27}, "products": PRODUCTS, "errors": {}, "page_url": page_url}


def results(**over):
    return {**RESULTS, **over}


def cart_page(cart, quote=QUOTE, promo=None, error=None, line_error=None):
    """The cart page's context as fragments/cart/routes.py renders it."""
    return {
        "cart": cart,
        "error": error,
        "line_error": line_error,
        "quote": quote,
        "estimate_country": "US",
        "promo": promo or {"error": None, "typed": ""},
    }


PARTIALS = {
    "products/_featured.html": {
        "In stock, only 2 left, out of stock, stock unknown": {"products": PRODUCTS},
        "No featured products": {"products": []},
    },
    "products/_related.html": {
        "Four products (a product page)": {"products": PRODUCTS},
        "Two products (the cart: asked again when the cart changes)": {
            "products": [LOW, UNKNOWN],
            "refresh_url": "/f/products/related-to-cart",
        },
        "Nothing to offer (renders nothing)": {"products": []},
    },
    "products/_detail.html": {
        "In stock": {"product": IN_STOCK},
        "Only 2 left": {"product": LOW},
        "Out of stock": {"product": OUT},
        "Stock unknown, no image": {"product": UNKNOWN},
        "A gallery of three": {"product": WITH_GALLERY, "shown": 0, "image_url": image_url},
        "Options: Size and Colour, a sold-out size": SHIRT_L_NAVY,
        "Options: the chosen combination is sold out": SHIRT_XL_NAVY,
    },
    "products/_gallery.html": {
        "Three images, the first shown": {"product": WITH_GALLERY, "shown": 0, "image_url": image_url},
        "Three images, the third chosen (?image=3)": {"product": WITH_GALLERY, "shown": 2, "image_url": image_url},
        "One image (no thumbnails)": {
            "product": {**IN_STOCK, "images": GALLERY[:1]},
            "shown": 0,
            "image_url": image_url,
        },
        "No image (the placeholder)": {"product": UNKNOWN, "shown": 0, "image_url": image_url},
    },
    "products/_facets.html": {
        "Counts, nothing chosen (no product has options)": {
            "facets": {**FACETS, "size": [], "colour": []},
            "form": SEARCH,
        },
        "Sizes and colours, some chosen, one at 0": {"facets": FACETS_CHOSEN, "form": SEARCH_CHOSEN},
        "The search failed: categories without counts": {"facets": FACETS_WITHOUT_COUNTS, "form": BAD_SEARCH},
    },
    "products/_grid.html": {
        "Results, page 1 of 3": {**results(), "form": SEARCH, "facets": FACETS, "sorts": SORTS},
        "Filters chosen": {**results(), "form": SEARCH_CHOSEN, "facets": FACETS_CHOSEN, "sorts": SORTS},
        "Page 2 of 3": {
            **results(page={"page": 2, "pages": 3, "total": 27}),
            "form": SEARCH,
            "facets": FACETS,
            "sorts": SORTS,
        },
        "No match": {
            **results(page={"page": 1, "pages": 0, "total": 0}, products=[]),
            "form": SEARCH,
            "facets": FACETS,
            "sorts": SORTS,
        },
        "Form errors": {
            **results(page=None, products=[], errors=FILTER_ERRORS),
            "form": BAD_SEARCH,
            "facets": FACETS_WITHOUT_COUNTS,
            "sorts": SORTS,
        },
    },
    "products/_results.html": {
        "Results": results(),
        "One product, one page": results(page={"page": 1, "pages": 1, "total": 1}, products=[IN_STOCK]),
        "No match": results(page={"page": 1, "pages": 0, "total": 0}, products=[]),
        "Form errors": results(page=None, products=[], errors=FILTER_ERRORS),
    },
    "cart/_added.html": {
        "Added (with JavaScript)": {"result": {"ok": True}, "back": "/products/ceramic-mug-set", "full": False},
        "Not added (with JavaScript)": {
            "result": {"ok": False, "message": "Only 2 left in stock."},
            "back": "/products/bamboo-cutting-board",
            "full": False,
        },
        "Not added (without JavaScript)": {
            "result": {"ok": False, "message": "Only 2 left in stock."},
            "back": "/products/bamboo-cutting-board",
            "full": True,
        },
    },
    "cart/_mini.html": {
        "Empty": {"count": 0},
        "One item": {"count": 1},
        "Three items": {"count": 3},
        "Count unknown (cart service down)": {"count": None},
    },
    "cart/_page.html": {
        "Full cart": cart_page(FULL_CART),
        "Empty cart": cart_page(EMPTY_CART, quote=None),
        "More than the stock": cart_page(OVER_STOCK),
        "A line's error": cart_page(FULL_CART, error="Only 2 left in stock.", line_error=LOW["id"]),
        "Cart error": cart_page(FULL_CART, error="We couldn't update your cart. Please try again."),
        "Cart unavailable": cart_page(None, quote=None),
        "Promo code applied": cart_page({**FULL_CART, "promo_code": "WELCOME10"}, quote=QUOTE_WITH_CODE),
        "Promo code refused": cart_page(FULL_CART, promo={"error": "This promo code has expired", "typed": "SPRING5"}),
        "Quote unavailable": cart_page(FULL_CART, quote=None),
    },
    "auth/_badge.html": {
        "Signed out": {"user": None},
        "Signed in": {"user": {"name": "Ada Lovelace"}},
        "Signed in, profile unknown": {"user": {}},
    },
    "auth/_forgot.html": {
        "Empty": {"form": {"email": ""}, "errors": {}, "message": None, "sent": False},
        "Not an email": {
            "form": {"email": "ada@"},
            "errors": {"email": "Enter a valid email address."},
            "message": None,
            "sent": False,
        },
        "Link sent (or not: the same words)": {
            "form": {"email": "ada@example.com"},
            "errors": {},
            "message": None,
            "sent": True,
        },
    },
    "auth/_verify.html": {
        "Opened from the email": {"token": "t" * 43, "done": None, "message": None},
        "Confirmed": {"token": "t" * 43, "done": "ada@example.com", "message": None},
        "Used or expired link": {
            "token": "t" * 43,
            "done": None,
            "message": "This confirmation link has been used already, has expired or is not complete.",
        },
    },
    "auth/_email_change_confirm.html": {
        "Opened from the email": {"token": "t" * 43, "done": None, "message": None},
        "Changed": {"token": "t" * 43, "done": "ada.new@example.com", "message": None},
        "Used or expired link": {
            "token": "t" * 43,
            "done": None,
            "message": "This link has been used already, has expired or is not complete.",
        },
        "Address taken meanwhile": {
            "token": "t" * 43,
            "done": None,
            "message": "Another account uses this email address.",
        },
    },
    "auth/_email_change_undo.html": {
        "Opened from the notice": {"token": "t" * 43, "done": None, "message": None},
        "Undone": {"token": "t" * 43, "done": "ada@example.com", "message": None},
        "Used or expired link": {
            "token": "t" * 43,
            "done": None,
            "message": "This link has been used already, has expired or is not complete.",
        },
    },
    "auth/_reset.html": {
        "Empty": {"token": "t" * 43, "errors": {}, "message": None, "spent": False},
        "Too short": {
            "token": "t" * 43,
            "errors": {"new_password": "Use a password of 8 to 128 characters."},
            "message": None,
            "spent": False,
        },
        "Used or expired link": {
            "token": "t" * 43,
            "errors": {},
            "message": "This link has been used already, has expired or is not complete. Ask for a new one.",
            "spent": True,
        },
    },
    "auth/_login.html": {
        "Empty": {"form": {"email": "", "next": "/"}, "errors": {}, "message": None},
        "Form errors": {
            "form": {"email": "ada@", "next": "/checkout"},
            "errors": {"email": "Enter a valid email address.", "password": "Enter your password."},
            "message": None,
        },
        "Wrong password": {
            "form": {"email": "ada@example.com", "next": "/"},
            "errors": {},
            "message": "That email and password don't match.",
        },
        "Too many attempts": {
            "form": {"email": "ada@example.com", "next": "/"},
            "errors": {},
            "message": "Too many requests. Please wait a moment and try again.",
        },
        "Signed out everywhere": {
            "form": {"email": "", "next": "/"},
            "errors": {},
            "message": None,
            "notice": "You are signed out on every device. Sign in again here.",
        },
        "Account deleted": {
            "form": {"email": "", "next": "/"},
            "errors": {},
            "message": None,
            "notice": "Your account is deleted and every device is signed out. "
            "Your orders are kept without your details.",
        },
    },
    "auth/_login_code.html": {
        "Asks for the code": {
            "form": {"email": "admin@example.com", "next": "/admin"},
            "challenge": "c" * 43,
            "errors": {},
            "message": None,
        },
        "Wrong or used code": {
            "form": {"email": "admin@example.com", "next": "/admin"},
            "challenge": "c" * 43,
            "errors": {"code": "That code is not right, or was used already. Enter the newest code from your app."},
            "message": None,
        },
        "Too many codes": {
            "form": {"email": "admin@example.com", "next": "/"},
            "challenge": "c" * 43,
            "errors": {},
            "message": "Too many attempts. Please wait a few minutes and try again.",
        },
    },
    "auth/_logout.html": {
        "Signed in": {"signed_in": True},
        "Signed out": {"signed_in": False},
    },
    "auth/_register.html": {
        "Empty": {"form": {"name": "", "email": "", "next": "/"}, "errors": {}, "message": None},
        "Form errors": {
            "form": {"name": "", "email": "ada@example.com", "next": "/"},
            "errors": {"name": "Enter your name.", "password": "Use at least 8 characters."},
            "message": None,
        },
        "Email taken": {
            "form": {"name": "Ada", "email": "ada@example.com", "next": "/"},
            "errors": {},
            "message": "An account with this email already exists.",
        },
    },
    "checkout/_address.html": {
        "No saved address": {"saved": [], "chosen": "new", "form": ADDRESS_FORM, "errors": NO_ERRORS},
        "Saved addresses": {
            "saved": [ADDRESS, ADDRESS_2],
            "chosen": "addr-1",
            "form": ADDRESS_FORM,
            "errors": NO_ERRORS,
        },
        "Form errors": {
            "saved": [],
            "chosen": "new",
            "form": {**ADDRESS_FORM, "city": "London"},
            "errors": ADDRESS_ERRORS,
        },
    },
    "checkout/_confirmation.html": {s.title().replace("_", " "): {"order": order(s), "live": False} for s in STATUSES},
    "checkout/_guest.html": {
        "Sign in or continue as guest": {"sign_in": "/login?next=/checkout", "form": {}, "errors": NO_ERRORS},
        "Not an email": {
            "sign_in": "/login?next=/checkout",
            "form": {"email": "ada@"},
            "errors": {"email": "Enter an email address like name@example.com."},
        },
    },
    "checkout/_notice.html": {
        "Empty cart": {
            "title": "Your cart is empty",
            "message": "Add something you like, then check out.",
            "link": ("/products", "Browse products"),
        },
    },
    "checkout/_order_summary.html": {
        "Two lines to a UK address": {"order": order("CONFIRMED")},
        "A guest's order (its signed link)": {"order": order("CONFIRMED"), "order_url": "/orders/link/sample.token"},
    },
    "checkout/_paying.html": {
        "Reserving the stock": {"order": order("PENDING"), "live": False},
        "Out of stock first": {"order": order("REJECTED"), "live": False},
    },
    "checkout/_return.html": {
        "Paid, confirming": {"order": order("AWAITING_PAYMENT"), "live": False},
        "Confirmed": {"order": order("CONFIRMED"), "live": False},
        "Left the payment page": {
            "order": order("AWAITING_PAYMENT"),
            "left": True,
            "retry": "https://checkout.stripe.com/c/pay/cs_test_sample",
        },
        "Could not pay now": {
            "order": order("AWAITING_PAYMENT"),
            "error": "Payment is unavailable right now. Please try again in a moment.",
        },
    },
    "checkout/_delivery.html": {
        "Two options, Standard free over $75": {
            "draft": DRAFT,
            "options": OPTIONS,
            "chosen": "standard",
            "subtotal": 4000,
            "error": None,
        },
        "Free delivery reached": {
            "draft": DRAFT,
            "options": OPTIONS,
            "chosen": "express",
            "subtotal": 8000,
            "error": None,
        },
        "Nothing chosen": {
            "draft": DRAFT,
            "options": OPTIONS,
            "chosen": None,
            "subtotal": 4000,
            "error": "Choose a delivery option.",
        },
        "No option serves the country": {
            "draft": DRAFT,
            "options": [],
            "chosen": None,
            "subtotal": 4000,
            "error": None,
        },
    },
    "checkout/_review.html": {
        "Ready to place": {"draft": DRAFT, "cart": FULL_CART, "quote": QUOTE, "error": None},
        "Error": {"draft": DRAFT, "cart": FULL_CART, "error": "We couldn't place your order. Please try again."},
        "Empty cart": {"draft": DRAFT, "cart": EMPTY_CART, "error": None},
        "A promo code refused": {
            "draft": DRAFT,
            "cart": FULL_CART,
            "quote": QUOTE,
            "error": None,
            "promo_error": "WELCOME10 needs a spend of at least $30.00.",
            "promo_typed": "WELCOME10",
        },
    },
    "checkout/_status.html": {
        **{s.title().replace("_", " "): {"order": order(s), "live": False} for s in STATUSES},
        "Awaiting payment, Pay now": {"order": order("AWAITING_PAYMENT"), "pay": True},
    },
    "checkout/_steps.html": {step.title(): {"current": step} for step in ("address", "delivery", "review")},
    "profile/_addresses.html": {
        "None saved": {"addresses": [], "form": ADDRESS_FORM, "errors": {}, "saved": None},
        "Two saved, one just added": {
            "addresses": [ADDRESS, ADDRESS_2],
            "form": ADDRESS_FORM,
            "errors": {},
            "saved": "Address saved.",
        },
        "Form errors": {
            "addresses": [ADDRESS],
            "form": {**ADDRESS_FORM, "city": "London"},
            "errors": {**ADDRESS_ERRORS, "form": "Please correct the fields below."},
            "saved": None,
        },
    },
    "profile/_sessions.html": {"Signed in": {}},
    "profile/_data.html": {"Signed in": {}},
    "profile/_delete_account.html": {
        "Empty": {"errors": {}},
        "Wrong password": {"errors": {"password": "That is not your password."}},
        "The last admin": {"errors": {"password": "You are the last admin: make someone else an admin first."}},
        "Too many tries": {"errors": {"form": "Too many tries. Please wait a while and try again."}},
    },
    "profile/_password.html": {
        "Empty": {"errors": {}, "saved": None},
        "Wrong current password": {"errors": {"current_password": "That is not your current password."}, "saved": None},
        "Too short": {"errors": {"new_password": "Use 8 to 128 characters."}, "saved": None},
        "Changed": {"errors": {}, "saved": "Your password is changed. Every other device is signed out."},
    },
    "profile/_email_change.html": {
        "Empty": {"change": {}, "errors": {}, "sent": None},
        "Wrong password": {
            "change": {"new_email": "ada.new@example.com"},
            "errors": {"current_password": "That is not your current password."},
            "sent": None,
        },
        "Address taken": {
            "change": {"new_email": "grace@example.com"},
            "errors": {"new_email": "Another account uses this email address."},
            "sent": None,
        },
        "Too many tries": {
            "change": {"new_email": "ada.new@example.com"},
            "errors": {"form": "Too many tries. Please wait a while and try again."},
            "sent": None,
        },
        "Link sent": {
            "change": {},
            "errors": {},
            "sent": "We've emailed a link to ada.new@example.com. Your email changes once you open it.",
        },
    },
    "profile/_email.html": {
        "Not confirmed yet": {"profile": {"email": "ada@example.com"}, "sent": None, "error": None},
        "Link sent again": {
            "profile": {"email": "ada@example.com"},
            "sent": "A new confirmation link is on its way. It works for 7 days.",
            "error": None,
        },
        "Confirmed": {"profile": {"email": "ada@example.com", "email_verified": True}, "sent": None, "error": None},
    },
    "profile/_details.html": {
        "Plain": {
            "profile": {"email": "ada@example.com", "name": "Ada Lovelace", "phone": ""},
            "errors": {},
            "saved": None,
        },
        "Saved": {
            "profile": {"email": "ada@example.com", "name": "Ada King", "phone": "+44 20 7946 0000"},
            "errors": {},
            "saved": "Your details are saved.",
        },
        "Form errors": {
            "profile": {"email": "ada@example.com", "name": "", "phone": "call me"},
            "errors": {"name": "Enter your name.", "phone": "Use digits, spaces and +."},
            "saved": None,
        },
    },
    "profile/_orders.html": {
        "Every order status": {"listing": listing(EVERY_ORDER), "when": when, "page_url": page_url},
        "Page 2 of 3": {"listing": listing(EVERY_ORDER[:3], page=2, pages=3), "when": when, "page_url": page_url},
        "No orders": {"listing": listing([]), "when": when, "page_url": page_url},
    },
    "profile/_orders_detail.html": {
        **{
            s.title().replace("_", " "): {"order": order(s), "when": when, "message": None, "error": None}
            for s in STATUSES
        },
        "Cancelled by you, refunded": {
            "order": order("CANCELLED", refund=True, reason="Cancelled by you"),
            "when": when,
            "message": "Your order is cancelled. Any payment is being refunded.",
            "error": None,
        },
        "Opened by its signed link (no account)": {
            "order": order("CONFIRMED"),
            "when": when,
            "message": None,
            "error": None,
            "link": "WyJhYmMiLCJhZGFAZXhhbXBsZS5jb20iXQ.sig",
        },
        "Too late to cancel": {
            "order": order("SHIPPED"),
            "when": when,
            "message": None,
            "error": "This order can no longer be cancelled.",
        },
    },
    "profile/_orders_recent.html": {
        "Some orders": {"listing": listing(EVERY_ORDER[:3]), "when": when},
        "No orders": {"listing": listing([]), "when": when},
    },
    "profile/_orders_table.html": {"Every order status": {"listing": listing(EVERY_ORDER), "when": when}},
    "profile/_two_factor.html": {
        "Off": {**TWO_FACTOR, "two_factor": TWO_FACTOR_OFF},
        "Sent here by the back office": {**TWO_FACTOR, "two_factor": TWO_FACTOR_OFF, "notice": REQUIRED},
        "Setting up": {**TWO_FACTOR, "two_factor": TWO_FACTOR_SETUP},
        "Setting up, wrong code": {
            **TWO_FACTOR,
            "two_factor": TWO_FACTOR_SETUP,
            "errors": {"code": "That code is not right. Check the time on your phone and enter the newest code."},
        },
        "Just turned on (recovery codes, shown once)": {
            **TWO_FACTOR,
            "two_factor": TWO_FACTOR_ON,
            "saved": "Two-factor authentication is on. Every other device is signed out.",
            "recovery_codes": [f"k7mq-x2pd-9rt{c}" for c in "abcdefghjk"],
        },
        "On": {**TWO_FACTOR, "two_factor": {**TWO_FACTOR_ON, "recovery_codes_left": 3}},
        "On, wrong password": {
            **TWO_FACTOR,
            "two_factor": TWO_FACTOR_ON,
            "errors": {"password": "That is not your password."},
        },
        "Too many tries": {
            **TWO_FACTOR,
            "two_factor": TWO_FACTOR_ON,
            "errors": {"password": "Too many tries. Please wait a few minutes and try again."},
        },
    },
    "profile/_page.html": {
        "Account": {
            "profile": {"email": "ada@example.com", "name": "Ada Lovelace", "phone": ""},
            "addresses": [ADDRESS],
            "form": ADDRESS_FORM,
            "errors": {},
            "saved": None,
        },
        "An admin's account": {
            "profile": {"email": "admin@example.com", "name": "Administrator", "phone": ""},
            "addresses": [],
            "form": ADDRESS_FORM,
            "errors": {},
            "saved": None,
            "two_factor": TWO_FACTOR_OFF,
        },
    },
    "shell/_fallback.html": {
        "Retry (a page's fragment failed)": {
            "slot": "main",
            "retry_url": "/f/products/featured",
            "page_url": "/",
            "unsafe": False,
        },
        "After a form post failed": {
            "slot": "main",
            "retry_url": "/f/cart/add",
            "page_url": "/products/ceramic-mug-set",
            "unsafe": True,
        },
    },
    "actions/_confirm.html": {
        "Cancel an order (asked before it happens)": {
            "region": "order",
            "title": "Cancel order 3f9a1c2e?",
            "message": "Your payment will be refunded and the order will not be sent.",
            "action": "/f/profile/orders/sample/cancel",
            "confirm": "Yes, cancel order",
            "back": "/orders/sample",
            "cancel": "No, keep my order",
            "fields": {},
        },
    },
    "info/_shipping.html": {"As written": {}},
    "info/_returns.html": {"As written": {}},
    "info/_contact.html": {"As written": {}},
    "errors/_error.html": {
        "Not found": {"status": 404, "message": "We couldn't find that product."},
        "Too many requests": {"status": 429, "message": "Too many requests. Please wait a moment and try again."},
        "Outage": {"status": 503, "message": "The shop is busy right now. Please try again in a moment."},
    },
}

MACROS = {
    "components/address.html": {
        "postal": {"An address": {"a": ADDRESS}},
        "one_line": {"An address": {"a": ADDRESS}},
        "inputs": {
            "Empty": {"form": ADDRESS_FORM, "errors": NO_ERRORS, "prefix": "sg-empty"},
            "With errors": {"form": ADDRESS_FORM, "errors": ADDRESS_ERRORS, "prefix": "sg-errors"},
        },
    },
    "components/macros.html": {
        "price": {"Dollars": {"amount": 1999}, "Euros": {"amount": 123456, "currency": "EUR"}, "Free": {"amount": 0}},
        "price_range": {
            "One price": {"product": IN_STOCK},
            "Variants at different prices: from": {"product": SHIRT},
        },
        "stock_badge": {
            "In stock": {"stock": stock(40)},
            "Only 2 left": {"stock": stock(2)},
            "Out of stock": {"stock": stock(0)},
            "Unknown (renders nothing)": {"stock": None},
        },
        "picture": {
            "Large, with alt text": {"url": GALLERY[0]["url"], "widths": [], "size": "large", "alt": GALLERY[0]["alt"]},
            "Thumbnail": {"url": GALLERY[1]["url"], "widths": [], "size": "thumb", "alt": GALLERY[1]["alt"]},
            "No URL (default)": {"url": None, "widths": []},
        },
        "product_image": {
            "Card": {"product": IN_STOCK},
            "Large": {"product": LOW, "size": "large"},
            "No image (default)": {"product": UNKNOWN},
        },
        "product_card": {
            "In stock": {"product": IN_STOCK},
            "Only 2 left": {"product": LOW},
            "Out of stock": {"product": OUT},
        },
        "field": {
            "Empty": {"name": "sample-email", "label": "Email", "type": "email"},
            "With a value": {"name": "sample-name", "label": "Name", "value": "Ada Lovelace"},
            "With an error": {"name": "sample-card", "label": "Card number", "error": "Your card was declined."},
            "Optional": {"name": "sample-phone", "label": "Phone", "type": "tel", "required": False},
        },
        "csrf_input": {"Hidden token (renders nothing visible)": {"token": "sample-token"}},
        "error_summary": {
            "Two fields wrong": {"errors": ADDRESS_ERRORS, "prefix": "sg-errors"},
            "No errors (renders nothing)": {"errors": {}},
        },
        "pager": {
            "First of three": {"page": {"page": 1, "pages": 3}, "url_for_page": page_url},
            "Middle, swapping #results": {
                "page": {"page": 2, "pages": 3},
                "url_for_page": page_url,
                "hx_target": "#results",
            },
            "Last of three": {"page": {"page": 3, "pages": 3}, "url_for_page": page_url},
            "One page (renders nothing)": {"page": {"page": 1, "pages": 1}, "url_for_page": page_url},
        },
    },
    "components/orders.html": {
        "status_text": {s.title().replace("_", " "): {"status": s} for s in STATUSES},
        "step_text": {s.title().replace("_", " "): {"status": s} for s in STATUSES},
        "badge": {s.title().replace("_", " "): {"order": {"status": s}} for s in STATUSES},
        "breakdown": {
            "Tax added (US)": {"b": QUOTE},
            "With a code": {"b": QUOTE_WITH_CODE},
            "Tax included, free delivery (DE)": {"b": INCLUSIVE},
        },
        "promo_forms": {
            "No code yet": {"action": "/f/cart/promo", "target": "#cart", "code": None},
            "A code applied": {"action": "/f/cart/promo", "target": "#cart", "code": "WELCOME10"},
            "A code refused": {
                "action": "/f/checkout/promo",
                "target": "#checkout",
                "code": None,
                "error": "This code has expired.",
                "typed": "SUMMER24",
            },
        },
    },
}


def _beside(name):
    """A sample module next to this one, read from its file like this one (so it is live too)."""
    spec = importlib.util.spec_from_file_location(f"styleguide_{name}", Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PARTIALS.update(_beside("admin_samples").PARTIALS)
PARTIALS.update(_beside("webhook_samples").PARTIALS)
PARTIALS.update(_beside("checkout_rule_samples").PARTIALS)
