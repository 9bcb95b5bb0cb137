"""Sample states of the back office's checkout-rule partials (admin/_shipping.html, _tax.html, _promotions.html)."""

from common.address import COUNTRY_CHOICES
from fragments.admin import promotions, shipping, tax
from fragments.admin.forms import COMMA_MESSAGE, price_text

SERVED = ["US", "CA", "GB", "IE", "DE", "FR", "NL", "AT", "BE", "ES", "IT"]
OPTIONS = [
    {"id": "express", "name": "Express", "countries": SERVED, "price": 1200, "free_over": None, "estimate": "1–2 days"},
    {
        "id": "standard",
        "name": "Standard",
        "countries": SERVED,
        "price": 490,
        "free_over": 7500,
        "estimate": "3–5 days",
    },
]
RATES = [{"id": "DE", "rate": 1900, "inclusive": True}, {"id": "US", "rate": 700, "inclusive": False}]
CODES = [
    {"id": "WELCOME10", "kind": "percent", "value": 10, "min_spend": 3000, "per_customer": True, "used": 41},
    {
        "id": "SPRING5",
        "kind": "fixed",
        "value": 500,
        "min_spend": 0,
        "starts_at": "2026-03-01T00:00:00",
        "ends_at": "2026-04-01T00:00:00",
        "usage_limit": 100,
        "used": 100,
    },
]


def _shipping(options=OPTIONS, form=None, errors=None, message=None):
    blank = shipping._blank(None)
    return {"options": options, "form": form or blank, "errors": errors or {}, "message": message, "money": price_text}


def _tax(rates=RATES, form=None, errors=None, message=None):
    return {
        "rates": rates,
        "form": form or {"country": "", "rate": "", "inclusive": False},
        "errors": errors or {},
        "countries": COUNTRY_CHOICES,
        "message": message,
        "percent": tax.percent,
    }


def _promotions(codes=CODES, form=None, errors=None, message=None):
    return {
        "promotions": codes,
        "form": form or promotions._as_form(None),
        "errors": errors or {},
        "kinds": promotions.KINDS,
        "message": message,
        "money": price_text,
    }


PARTIALS = {
    "admin/_shipping.html": {
        "Options": _shipping(),
        "None yet": _shipping([]),
        "Saved": _shipping(message=shipping.DONE["saved"]),
        "Editing one": _shipping(form=shipping._blank(OPTIONS[1])),
        "Refused beside the fields": _shipping(
            form={**shipping._blank(None), "countries": "US, XX", "price": "4,90"},
            errors={
                "name": shipping.MESSAGES["name"],
                "countries": shipping.MESSAGES["countries"],
                "price": COMMA_MESSAGE,
            },
        ),
    },
    "admin/_tax.html": {
        "Rates": _tax(),
        "None yet": _tax([]),
        "Saved": _tax(message=tax.DONE["saved"]),
        "Editing one": _tax(form={"country": "DE", "rate": "19", "inclusive": True}),
        "Refused beside the fields": _tax(
            form={"country": "", "rate": "120", "inclusive": False},
            errors={"country": tax.MESSAGES["country"], "rate": tax.MESSAGES["rate"]},
        ),
    },
    "admin/_promotions.html": {
        "Codes": _promotions(),
        "None yet": _promotions([]),
        "Saved": _promotions(message=promotions.DONE["saved"]),
        "Editing one": _promotions(form=promotions._as_form(CODES[1])),
        "Code taken": _promotions(
            form={**promotions._as_form(None), "code": "WELCOME10", "value": "10"},
            errors={"code": promotions.MESSAGES["taken"]},
        ),
        "Refused beside the fields": _promotions(
            form={**promotions._as_form(None), "code": "no spaces", "value": "150", "ends_at": "2026-13-40"},
            errors={
                "code": promotions.MESSAGES["code"],
                "value": promotions.MESSAGES["percent"],
                "ends_at": promotions.MESSAGES["ends_at"],
            },
        ),
    },
}
