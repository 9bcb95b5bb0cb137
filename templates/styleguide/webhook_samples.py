"""Sample states of the back office's webhook and import partials (admin/_webhooks.html, _webhook_detail.html,
_imports.html)."""

from fragments.admin.imports import COUNTS
from fragments.admin.orders import when
from fragments.admin.webhooks import DONE, EVENT_TYPES, MESSAGES

ENDPOINT = {
    "id": "e" * 32,
    "url": "https://erp.example.com/hooks/fragmart",
    "events": ["order.confirmed", "order.cancelled", "payment.refunded"],
    "description": "",
    "enabled": True,
    "created_at": "2026-03-02T09:30:00+00:00",
    "failing_since": None,
    "disabled_at": None,
}
FAILING = {
    **ENDPOINT,
    "id": "f" * 32,
    "url": "https://wms.example.net/in",
    "failing_since": "2026-03-03T08:00:00+00:00",
}
DISABLED = {**FAILING, "id": "d" * 32, "enabled": False, "disabled_at": "2026-03-04T08:00:00+00:00"}


def delivery(n, status, code=None, attempts=1, error=None):
    return {
        "id": f"msg_{n:032x}",
        "type": "order.confirmed",
        "status": status,
        "attempts": attempts,
        "response_code": code,
        "error": error,
        "event_id": f"{n:032x}",
        "created_at": "2026-03-03T08:00:00+00:00",
        "last_attempt_at": "2026-03-03T08:00:05+00:00",
        "next_at": "2026-03-03T08:10:00+00:00",
    }


def listing(endpoints=(ENDPOINT, FAILING, DISABLED), **extra):
    blank = {"url": "", "events": [], "key": "k" * 32}
    base = {"endpoints": list(endpoints), "event_types": EVENT_TYPES, "form": blank, "errors": {}, "created": None}
    return {**base, "message": None, "when": when, **extra}


def detail(endpoint=ENDPOINT, deliveries=(), message=None, error=None):
    return {
        "endpoint": {**endpoint, "deliveries": list(deliveries)},
        "event_types": dict(EVENT_TYPES),
        "message": message,
        "error": error,
        "when": when,
    }


SENT = [
    delivery(1, "succeeded", 200, 2),
    delivery(2, "pending", 500, 3),
    delivery(3, "failed", None, 16, "ReadTimeout"),
]
PARTIALS = {
    "admin/_webhooks.html": {
        "Endpoints": listing(),
        "None yet": listing(()),
        "Just added (the secret, once)": listing(created={**ENDPOINT, "secret": "whsec_" + "A" * 32}),
        "Refused beside the fields": listing(
            form={"url": "http://169.254.169.254/latest", "events": [], "key": "k" * 32},
            errors={
                "url": "The host 169.254.169.254 resolves to a private, loopback or link-local address.",
                "events": MESSAGES["events"],
            },
        ),
    },
    "admin/_webhook_detail.html": {
        "Deliveries": detail(deliveries=SENT),
        "Nothing sent yet": detail(),
        "Resent": detail(deliveries=SENT, message=DONE["resend"]),
        "Disabled after a day of failures": detail(DISABLED, SENT[2:]),
        "Resend refused": detail(DISABLED, SENT[2:], error="Enable the endpoint before resending."),
    },
}

RUN = {
    "started_at": "2026-03-03T02:00:00+00:00",
    "finished_at": "2026-03-03T02:00:41+00:00",
    "high_water": "2026-03-02T23:58:10+00:00",
    "counts": {"read": 1204, "created": 12, "updated": 40, "stock_set": 310, "unchanged": 840, "refused": 2},
    "errors": [
        {"row": 17, "sku": "OLD 17", "error": "sku: String should match pattern '^[A-Za-z0-9-]+$'"},
        {"row": 230, "sku": "KIT-230", "error": "price: Input should be greater than 0"},
    ],
}
PARTIALS["admin/_imports.html"] = {
    "Last run, with refused rows": {"last": RUN, "high_water": RUN["high_water"], "counts": COUNTS, "when": when},
    "Clean run": {"last": {**RUN, "errors": []}, "high_water": RUN["high_water"], "counts": COUNTS, "when": when},
    "Never run": {"last": None, "high_water": None, "counts": COUNTS, "when": when},
}
