"""Sample data for the back office's partials (templates/admin/), in each state an admin can meet.

PARTIALS: template -> {state name: the context its fragments/admin view renders it with}; samples.py merges them.
`when` and the status lists are the views' own, so a sample cannot drift from what the pages pass.
"""

from common.carriers import CARRIERS, shipment
from fragments.admin.dead_letters import DONE as LETTER_DONE
from fragments.admin.dead_letters import STATUSES as LETTER_STATUSES
from fragments.admin.orders import SAVED as ORDER_DONE
from fragments.admin.orders import SHIP_MESSAGES, STATUSES, when
from fragments.admin.users import DONE as ROLE_DONE

ADMIN_ID, CUSTOMER_ID = "a" * 32, "c" * 32
CATEGORIES = ["apparel", "kitchen", "stationery"]
NAV = (
    ("dashboard", "Dashboard"),
    ("products", "Products"),
    ("inventory", "Stock"),
    ("orders", "Orders"),
    ("users", "Customers"),
    ("dead_letters", "Dead letters"),
    ("webhooks", "Webhooks"),
    ("imports", "Catalog import"),
    ("shipping", "Delivery options"),
    ("tax", "Tax rates"),
    ("promotions", "Promo codes"),
)


def page_url(n):
    return f"/admin/orders?page={n}"


def page(items, pages=1, **extra):
    return {"items": items, "total": len(items) * pages, "page": 1, "per_page": 20, "pages": pages, **extra}


def audit(*actions):
    """Audit entries, newest first, as the audit API lists them."""
    return [
        {
            "id": f"audit-{i}",
            "at": f"2026-11-20 10:{50 - i:02d}:00 UTC",
            "actor_email": "owner@fragmart.test",
            "action": action,
            "before": before,
            "after": after,
        }
        for i, (action, before, after) in enumerate(actions)
    ]


PRODUCT = {
    "id": "stoneware-mug",
    "name": "Stoneware Mug",
    "description": "A heavy mug, glazed by hand.",
    "category": "kitchen",
    "price": 1800,
    "currency": "USD",
    "sku": "KIT-001",
    "featured": True,
    "image": "/static/img/categories/kitchen.svg",
}
GALLERY = [
    {"url": "/static/img/categories/kitchen.svg", "widths": [], "alt": "The mug, full, on a wooden table"},
    {"url": "/static/img/categories/default.svg", "widths": [], "alt": "The glaze up close"},
    {"url": "/static/img/categories/stationery.svg", "widths": [], "alt": "Two mugs side by side, for scale"},
]
WITH_GALLERY = {**PRODUCT, "images": GALLERY}
PLAIN = {
    **PRODUCT,
    "id": "brass-pen",
    "name": "Brass Pen",
    "description": "",
    "category": "stationery",
    "price": 5200,
    "sku": "STA-004",
    "featured": False,
    "image": None,
}
PRODUCT_AUDIT = audit(
    ("product.update", {"price": 1600}, {"price": 1800}),
    ("stock.set", {"available": 2}, {"available": 40}),
    ("product.create", {}, {"name": "Stoneware Mug", "sku": "KIT-001"}),
)


NO_OPTIONS = [{"name": "", "values": ""}] * 3
OPTIONS_FORM = [
    {"name": "Size", "values": "S, M"},
    {"name": "Colour", "values": "Sand, Navy"},
    {"name": "", "values": ""},
]


def variant_row(key, sku, stock, price="", new=False):
    return {"key": key, "sku": sku, "price": price, "stock": stock, "stock_was": stock, "new": new}


VARIANT_ROWS = [
    variant_row("S / Sand", "APP-010-S-SAND", "4"),
    variant_row("S / Navy", "APP-010-S-NAVY", "0"),
    variant_row("M / Sand", "APP-010-M-SAND", "7", "54.00"),
    variant_row("M / Navy", "", "0", new=True),
]


def variants_form(rows, errors=None, options=OPTIONS_FORM):
    return {"form": {"options": options, "variants": rows}, "errors": errors or {}, "product": None}


def product_form(product, errors=None, saved=None, **typed):
    """The form as the edit view fills it: the product's values, the price as a decimal, then what was typed."""
    form = (
        {**product, "price": f"{product['price'] / 100:.2f}"} if product else {"featured": False, "initial_stock": "0"}
    )
    form.setdefault("options", OPTIONS_FORM if product and product.get("options") else NO_OPTIONS)
    form.setdefault("variants", VARIANT_ROWS if product and product.get("options") else [])
    return {
        "product": product,
        "form": {**form, **typed},
        "errors": errors or {},
        "saved": saved,
        "categories": CATEGORIES,
        "audit": PRODUCT_AUDIT if product else [],
    }


def level(sku, available, reserved=0):
    return {"sku": sku, "product_id": sku.lower(), "available": available, "reserved": reserved}


LEVELS = page(
    [level("STA-004", 0), level("APP-002", 2, 1), level("KIT-001", 40, 3), level("OUT-007", 120)], low_level=5
)
NAMES = {"STA-004": "Brass Pen", "APP-002": "Linen Apron", "KIT-001": "Stoneware Mug", "OUT-007": None}
STOCK = {
    "levels": LEVELS,
    "names": NAMES,
    "q": "",
    "errors": {},
    "form": {},
    "back": "/admin/inventory?q=&page=1",
    "saved": None,
    "page_url": page_url,
}
NEGATIVE = "Only 2 available: removing 5 would leave -3, and stock cannot go below zero"


PAID = ("PENDING", "AWAITING_PAYMENT", "CONFIRMED")
LINES = [
    {"name": "Stoneware Mug", "sku": "KIT-001", "quantity": 2, "unit_price": 1800, "line_total": 3600},
    {"name": "Linen Apron", "sku": "APP-002", "quantity": 1, "unit_price": 3400, "line_total": 3400},
]


BREAKDOWN = {"subtotal": 6500, "discount": 0, "delivery": 0, "tax": 455, "total": 6955, "currency": "USD"}
PARCEL = shipment("ups", "1Z 999 AA1 01 2345 6784")
SHIP = {
    "carriers": [(key, name) for key, (name, _) in CARRIERS.items()],
    "ship": {"carrier": "", "tracking_number": ""},
    "ship_errors": {},
}


def order(status, n=1, reason=None, refund=None, steps=None):
    """An order as GET /api/orders/<id> answers an admin: the customer's email and name, and its timeline."""
    steps = steps or {"CONFIRMED": PAID}.get(status, ("PENDING", status))
    return {
        "id": f"{n:08d}7b4c1d9e2f0123456789ab",
        "status": status,
        "email": "ada@example.com",
        "name": "Ada Lovelace",
        "user_id": CUSTOMER_ID,
        "created_at": "2026-11-20T09:30:00+00:00",
        "lines": LINES,
        "total": 7000,
        "currency": "USD",
        "reason_text": reason,
        "refund": refund,
        "breakdown": BREAKDOWN,
        "shipment": PARCEL if status in ("SHIPPED", "DELIVERED") else None,
        "timeline": [
            {"status": s, "at": f"2026-11-20T09:3{i}:00+00:00", "reason": reason if s == status else None}
            for i, s in enumerate(steps)
        ],
    }


ORDER_AUDIT = audit(("order.ship", {"status": "CONFIRMED"}, {"status": "SHIPPED"}))
DETAILS = {
    "Awaiting payment (cancel only)": order("AWAITING_PAYMENT", steps=PAID[:2]),
    "Confirmed (ship or cancel)": order("CONFIRMED"),
    "Shipped (deliver)": order("SHIPPED", steps=(*PAID, "SHIPPED")),
    "Delivered (no action)": order("DELIVERED", steps=(*PAID, "SHIPPED", "DELIVERED")),
    "Cancelled by the shop, refunded": order(
        "CANCELLED",
        reason="Cancelled by the shop",
        steps=(*PAID, "CANCELLED"),
        refund={"amount": 7000, "currency": "USD"},
    ),
}
PAYMENT = {
    "order_id": "sample",
    "status": "captured",
    "amount": 6955,
    "currency": "USD",
    "refunded": 500,
    "history": [
        {"kind": "authorized", "amount": 6955, "at": "2026-12-01T10:00:00+00:00"},
        {"kind": "captured", "amount": 6955, "at": "2026-12-02T09:30:00+00:00"},
        {"kind": "refunded", "amount": 500, "at": "2026-12-03T14:10:00+00:00"},
    ],
}
FILTERS = {"status": "", "date": "", "email": ""}
ORDERS = {"statuses": STATUSES, "when": when, "page_url": page_url}


def account(role, n, name="Ada Lovelace", email="ada@example.com"):
    return {"id": n * 32, "email": email, "name": name, "role": role, "created_at": "2026-11-01T08:00:00+00:00"}


ADMIN = account("admin", "a", "Grace Hopper", "owner@fragmart.test")
CUSTOMER = account("customer", "c")
ACCOUNTS = page(
    [
        ADMIN,
        CUSTOMER,
        account("admin", "b", "Alan Turing", "alan@fragmart.test"),
        account("customer", "d", "", "nameless@example.com"),
    ],
    admins=2,
)


def user(acct, orders=(), audit_=(), message=None, error=None):
    return {
        "account": acct,
        "orders": {"items": list(orders), "total": len(orders)},
        "when": when,
        "me": ADMIN_ID,
        "message": message,
        "error": error,
        "audit": list(audit_),
    }


def letter(n, topic, error, event=True):
    envelope = (
        {"event_id": f"evt-{n:04d}-7f3c2a1e9b", "type": topic, "preview": None}
        if event
        else {"event_id": "", "type": "", "preview": "{not json: a producer wrote this by hand"}
    )
    return {
        "id": f"{n:032x}",
        "topic": topic,
        "dlq_topic": f"{topic}.dlq",
        "error": error,
        "status": "waiting",
        "received_at": "2026-11-20T09:45:00+00:00",
        "handled_at": None,
        **envelope,
    }


LETTERS = page(
    [
        letter(1, "order.placed", "KeyError: 'lines'"),
        letter(2, "payment.authorized", "timeout after 3 tries"),
        letter(3, "stock.released", "not a JSON envelope", event=False),
    ]
)


def letters(status="waiting", listing=LETTERS, message=None, error=None):
    return {
        "listing": listing,
        "status": status,
        "statuses": LETTER_STATUSES,
        "when": when,
        "message": message,
        "error": error,
        "page_url": page_url,
    }


HEALTH: dict = {"status": "ok", "upstreams": {n: "ok" for n in ("auth", "cart", "inventory", "orders", "products")}}
SUMMARY = {
    "date": "2026-11-20",
    "orders": 12,
    "revenue": 48250,
    "currency": "USD",
    "by_status": {"CONFIRMED": 7, "SHIPPED": 3, "AWAITING_PAYMENT": 1, "CANCELLED": 1},
}

PARTIALS = {
    "admin/_nav.html": {label: {"section": key} for key, label in NAV},
    "admin/_dashboard.html": {
        "Every source answered": {
            "summary": SUMMARY,
            "low": page(LEVELS["items"][:2]),
            "dead": LETTERS,
            "health": HEALTH,
        },
        "Nothing low, nothing dead": {
            "summary": {**SUMMARY, "orders": 0, "revenue": 0, "by_status": {}},
            "low": page([]),
            "dead": page([]),
            "health": HEALTH,
        },
        "Sources failed (dashes), a service down": {
            "summary": None,
            "low": None,
            "dead": None,
            "health": {"status": "degraded", "upstreams": {**HEALTH["upstreams"], "orders": "unavailable"}},
        },
        "Gateway health unreadable": {
            "summary": SUMMARY,
            "low": page([]),
            "dead": page([]),
            "health": {"status": "unreachable", "upstreams": {}},
        },
    },
    "admin/_products.html": {
        "Results, page 1 of 2": {
            "listing": page([PRODUCT, PLAIN], pages=2),
            "q": "",
            "saved": None,
            "page_url": page_url,
        },
        "Just deleted": {"listing": page([PRODUCT]), "q": "", "saved": "1", "page_url": page_url},
        "No match": {"listing": page([]), "q": "teapot", "saved": None, "page_url": page_url},
    },
    "admin/_product_form.html": {
        "New product": product_form(None),
        "New product, field errors": product_form(
            None,
            {
                "name": "Enter a name (1 to 200 characters).",
                "price": "Enter a price above 0 like 19.99.",
                "sku": "Another product already has this SKU.",
            },
            name="",
            price="cheap",
            sku="KIT-001",
            initial_stock="0",
        ),
        "Edit, with image, just saved": product_form(PRODUCT, saved="Product saved."),
        "Edit, no image yet": product_form(PLAIN),
        "Edit, field errors": product_form(
            PRODUCT,
            {
                "category": "Use lowercase letters, digits and dashes, e.g. kitchen.",
                "description": "Keep the description under 2,000 characters.",
            },
            category="Kitchen Things",
        ),
        "Edit, the API refused": product_form(PRODUCT, {"form": "The catalog is busy. Please try again."}),
        "Edit, image refused": product_form(PRODUCT, {"image": "The image is larger than 2 MB."}),
    },
    "admin/_product_variants.html": {
        "No options (one variant)": variants_form([], options=NO_OPTIONS),
        "Size and colour, one combination new": variants_form(VARIANT_ROWS),
        "Errors beside the fields": variants_form(
            VARIANT_ROWS,
            {
                "option-2-values": "Colour lists a value twice.",
                "variant-3-price": "Enter a price above 0 like 19.99, or leave it empty for the product's price.",
                "variant-4-sku": "Use letters, digits and dashes (up to 40), e.g. KIT-010-M.",
            },
        ),
    },
    "admin/_product_gallery.html": {
        "Three images": {"product": WITH_GALLERY, "form": {}, "errors": {}},
        "No images yet (the category drawing shows)": {"product": PLAIN, "form": {}, "errors": {}},
        "Eight images: the upload form gives way": {
            "product": {**PRODUCT, "images": GALLERY * 2 + GALLERY[:2]},
            "form": {},
            "errors": {},
        },
        "Upload refused: wrong type, no alt text": {
            "product": PLAIN,
            "form": {"gallery": {"new_alt": "   "}},
            "errors": {
                "image": "Choose a PNG, JPEG or WebP image (this file is not one, whatever its name says).",
                "image_alt": "Describe the image for people who cannot see it (1 to 200 characters).",
            },
        },
        "An image's alt text emptied": {
            "product": WITH_GALLERY,
            "form": {"gallery": {"alt_2": ""}},
            "errors": {"alt_2": "Describe the image for people who cannot see it (1 to 200 characters)."},
        },
        "The gallery changed meanwhile": {
            "product": WITH_GALLERY,
            "form": {},
            "errors": {
                "gallery": "The images changed while you were editing them. Here they are now: please try again."
            },
        },
    },
    "admin/_inventory.html": {
        "Low and normal rows": STOCK,
        "Just saved": {**STOCK, "saved": "KIT-001"},
        "Negative adjustment refused": {
            **STOCK,
            "errors": {"APP-002": {"delta": NEGATIVE}},
            "form": {"APP-002": {"delta": "-5"}},
        },
        "Not a number": {
            **STOCK,
            "errors": {"KIT-001": {"quantity": "Enter a whole number of units, 0 or more."}},
            "form": {"KIT-001": {"quantity": "lots"}},
        },
        "No SKU matches": {**STOCK, "levels": page([], low_level=5), "names": {}, "q": "ZZZ"},
    },
    "admin/_orders.html": {
        "Every status": {
            **ORDERS,
            "listing": page([order(s, n) for n, s in enumerate(STATUSES, 1)]),
            "form": FILTERS,
            "errors": {},
        },
        "Filtered, none found": {
            **ORDERS,
            "listing": page([]),
            "errors": {},
            "form": {"status": "SHIPPED", "date": "2026-11-19", "email": "nobody@example.com"},
        },
        "Filter errors": {
            **ORDERS,
            "listing": page([order("CONFIRMED")]),
            "form": {**FILTERS, "date": "20/11/2026"},
            "errors": {"date": "Enter a date as YYYY-MM-DD.", "status": "Choose a status from the list."},
        },
    },
    "admin/_order_detail.html": {
        **{
            state: {"order": o, "when": when, "message": None, "error": None, "audit": [], **SHIP}
            for state, o in DETAILS.items()
        },
        "A deleted customer's order, kept without their details": {
            "order": {
                **DETAILS["Delivered (no action)"],
                "email": None,
                "name": None,
                "phone": None,
                "customer_deleted": True,
                "address": {"name": "", "line1": "", "city": "", "postal_code": "", "country": "GB"},
            },
            "when": when,
            "message": None,
            "error": None,
            "audit": [],
            **SHIP,
        },
        "Mark shipped refused beside the fields": {
            "order": DETAILS["Confirmed (ship or cancel)"],
            "when": when,
            "message": None,
            "error": None,
            "audit": [],
            **SHIP,
            "ship": {"carrier": "", "tracking_number": "<b>"},
            "ship_errors": SHIP_MESSAGES,
        },
        "Just shipped, with its audit": {
            "order": DETAILS["Shipped (deliver)"],
            "when": when,
            "audit": ORDER_AUDIT,
            "message": ORDER_DONE["ship"],
            "error": None,
            **SHIP,
        },
        "Action refused": {
            "order": DETAILS["Delivered (no action)"],
            "when": when,
            "message": None,
            "audit": [],
            "error": "Only a confirmed order can be marked shipped",
            **SHIP,
        },
        "Shipped and captured, one refund made": {
            "order": DETAILS["Shipped (deliver)"],
            "when": when,
            "message": "Refund made. The customer is being emailed.",
            "error": None,
            "audit": [],
            **SHIP,
            "payment": PAYMENT,
            "refund": {"amount": "", "key": "k" * 32, "errors": {}},
        },
        "Refund beyond what is left, said beside the field": {
            "order": DETAILS["Shipped (deliver)"],
            "when": when,
            "message": None,
            "error": None,
            "audit": [],
            **SHIP,
            "payment": PAYMENT,
            "refund": {
                "amount": "80.00",
                "key": "k" * 32,
                "errors": {"amount": "At most $19.90 can still be refunded."},
            },
        },
    },
    "admin/_users.html": {
        "Admins and customers": {"listing": ACCOUNTS, "q": "", "me": ADMIN_ID, "page_url": page_url},
        "No match": {"listing": page([], admins=2), "q": "nobody", "me": ADMIN_ID, "page_url": page_url},
    },
    "admin/_user_detail.html": {
        "Customer with orders": user(CUSTOMER, [order(s, n) for n, s in enumerate(("DELIVERED", "CANCELLED"), 1)]),
        "Just made admin": user(
            {**CUSTOMER, "role": "admin"},
            message=ROLE_DONE["admin"],
            audit_=audit(("user.grant_admin", {"role": "customer"}, {"role": "admin"})),
        ),
        "The last admin, refused": user(ADMIN, error="This is the last admin: make someone else an admin first"),
    },
    "admin/_role_button.html": {
        "Customer (Make admin)": {"account": CUSTOMER},
        "Admin (Remove admin)": {"account": ADMIN},
    },
    "admin/_dead_letters.html": {
        "Waiting": letters(),
        "None waiting": letters(listing=page([])),
        "Just replayed": letters(listing=page(LETTERS["items"][1:]), message=LETTER_DONE["replay"]),
        "Replay refused": letters(error="This dead letter was already replayed"),
        "Replayed": letters("replayed", page([{**d, "status": "replayed"} for d in LETTERS["items"][:1]])),
    },
    "admin/_audit.html": {
        "Entries": {"entries": PRODUCT_AUDIT},
        "No actions yet": {"entries": []},
    },
}
