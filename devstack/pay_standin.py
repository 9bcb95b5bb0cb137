"""The local payment provider: localstripe's API plus Stripe's Checkout Sessions and hosted page, which it lacks.

localstripe (1.15.10) serves PaymentMethods, PaymentIntents (capture_method=manual, capture, cancel, the 3-D
Secure `_authenticate` step, Stripe's test card numbers), Refunds and signed webhooks (`Stripe-Signature:
t=…,v1=HMAC-SHA256`). It has no Checkout Sessions and no hosted payment page; this module adds both to
localstripe's own aiohttp app, in Stripe's shapes, so the official `stripe` library talks to one base URL.

A Checkout Session (`POST /v1/checkout/sessions`, form-encoded as Stripe's API is) takes:
- `mode`: only "payment".
- `line_items[i][price_data][currency|unit_amount|product_data][name]`, `line_items[i][quantity]`: the amount
  is the sum of unit_amount × quantity; one currency for all lines.
- `success_url`, `cancel_url`: where the shopper goes after paying, or after giving up (3-D Secure "Fail").
  `{CHECKOUT_SESSION_ID}` in either is replaced by the session's id, as Stripe does.
- `client_reference_id`: the shop's order id.
- `customer_email`, `metadata[...]`, `expires_at` (unix seconds), `payment_intent_data[capture_method]`
  ("manual" authorises only) and `payment_intent_data[metadata][...]` (copied onto each PaymentIntent).
- `custom_text[submit][message]`: shown on the page; the shop's name goes there.
It answers the session object: `id` (cs_…), `object` "checkout.session", `url` (the hosted page), `status`
(open → complete | expired), `payment_status` ("unpaid" until a capture, as Stripe reports manual capture),
`payment_intent` (the latest attempt's pi_…, else null), `amount_total`, `currency`, `client_reference_id`,
`customer_email`, `metadata`, `mode`, `success_url`, `cancel_url`, `expires_at`, `created`, `livemode`.
A repeated `Idempotency-Key` header gets the first answer, as Stripe gives (localstripe ignores the header).
`GET /v1/checkout/sessions/<id>` reads one; `POST /v1/checkout/sessions/<id>/expire` ends an open one.

The hosted page `GET /c/pay/<id>` has "Card number", "Expiry" (MM / YY), "CVC" and "Pay"; it is plain HTML
forms, so it works without JavaScript. Each "Pay" makes a PaymentMethod and a confirmed PaymentIntent in
localstripe. A declined card re-renders the page with the reason; a card that needs 3-D Secure shows a
challenge page with "Complete" and "Fail". An authorised attempt completes the session, sends
`checkout.session.completed` to the registered webhooks and redirects to `success_url`.

The store is memory only: localstripe's default pickles it to one fixed /tmp file, which parallel stacks
would share (and which would hold test card numbers).
"""

from __future__ import annotations

import argparse
import html
import os
import socket
import time

from aiohttp import web
from localstripe import resources, server
from localstripe.errors import UserError
from localstripe.resources import Event, PaymentIntent, PaymentMethod, StripeObject
from localstripe.webhooks import register_webhook, schedule_webhook

from common.settings import load_settings

resources.store.dump_to_disk = lambda: None  # memory only (see the module's docstring)
DECLINES = {
    "card_declined": "Your card was declined.",
    "insufficient_funds": "Your card has insufficient funds.",
    "processing_error": "An error occurred while processing your card. Try again in a little bit.",
    "expired_card": "Your card has expired.",
}


# Stripe's decline codes for DESIGN.md's test cards (localstripe declines them all alike).
DECLINE_CODES = {"4000000000009995": "insufficient_funds", "4000000000000119": "processing_error"}


class CardError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class CheckoutSession(StripeObject):
    """Stripe's checkout.session, for mode=payment (fields in the module's docstring)."""

    object = "checkout.session"
    _id_prefix = "cs_test_"

    def __init__(
        self,
        mode=None,
        line_items=None,
        success_url=None,
        cancel_url=None,
        client_reference_id=None,
        customer_email=None,
        metadata=None,
        expires_at=None,
        payment_intent_data=None,
        custom_text=None,
        **kwargs,
    ):
        if kwargs:
            raise UserError(400, "Received unknown parameter: " + ", ".join(kwargs))
        try:
            assert mode == "payment"
            assert isinstance(line_items, list) and line_items
            amounts, currencies = [], set()
            for line in line_items:
                price = line["price_data"]
                amounts.append(int(price["unit_amount"]) * int(line.get("quantity", 1)))
                currencies.add(price["currency"].lower())
            assert len(currencies) == 1 and sum(amounts) > 0
            assert isinstance(success_url, str) and success_url.startswith("http")
            assert isinstance(cancel_url, str) and cancel_url.startswith("http")
        except (AssertionError, KeyError, TypeError, ValueError):
            raise UserError(400, "Invalid checkout session parameters") from None
        super().__init__()
        self.mode, self.status, self.payment_status = mode, "open", "unpaid"
        self.amount_total, self.currency = sum(amounts), currencies.pop()
        self.success_url = success_url.replace("{CHECKOUT_SESSION_ID}", self.id)
        self.cancel_url = cancel_url.replace("{CHECKOUT_SESSION_ID}", self.id)
        self.client_reference_id, self.customer_email = client_reference_id, customer_email
        self.metadata = metadata or {}
        self.expires_at = int(expires_at) if expires_at else self.created + 24 * 3600
        self.payment_intent = None
        self.url = f"{PUBLIC_URL}/c/pay/{self.id}"
        self._intent_data = payment_intent_data or {}
        self._shop = ((custom_text or {}).get("submit") or {}).get("message") or ""

    def _open(self) -> bool:
        if self.status == "open" and time.time() >= self.expires_at:
            self.status = "expired"
        return self.status == "open"

    def _attempt(self, number: str, exp_month: int, exp_year: int, cvc: str) -> PaymentIntent:
        """One card attempt: a PaymentMethod and a confirmed PaymentIntent; a decline raises UserError(402)."""
        method = PaymentMethod(
            type="card", card={"number": number, "exp_month": exp_month, "exp_year": exp_year, "cvc": cvc}
        )
        if method._attaching_is_declined():  # localstripe declines these only when attached; Stripe at the charge
            raise CardError(DECLINE_CODES.get(number, "card_declined"))
        intent = PaymentIntent(
            amount=self.amount_total,
            currency=self.currency,
            payment_method=method.id,
            capture_method=self._intent_data.get("capture_method", "automatic"),
            metadata={**(self._intent_data.get("metadata") or {}), "checkout_session": self.id},
        )
        self.payment_intent = intent.id
        intent._confirm(on_failure_now=intent._report_failure)
        return intent

    def _complete(self) -> None:
        self.status = "complete"
        schedule_webhook(Event("checkout.session.completed", self))

    @classmethod
    def _api_expire(cls, id, **kwargs):
        obj = cls._api_retrieve(id)
        if not obj._open():
            raise UserError(400, "Only Checkout Sessions with a status of open can be expired.")
        obj.status = "expired"
        schedule_webhook(Event("checkout.session.expired", obj))
        return obj


PUBLIC_URL = "http://127.0.0.1:4100"  # set by main() from --port or PAY_STANDIN_PUBLIC_URL

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<style>body{{font:16px system-ui,sans-serif;max-width:26rem;margin:2rem auto;padding:0 1rem}}
label{{display:block;margin:.8rem 0 .2rem}}input{{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}}
button{{margin-top:1rem;padding:.6rem 1.4rem;font-size:1rem}}[role=alert]{{color:#a00}}</style></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"""


def _page(title: str, body: str, status: int = 200) -> web.Response:
    return web.Response(text=PAGE.format(title=html.escape(title), body=body), status=status, content_type="text/html")


def _amount(session: CheckoutSession) -> str:
    return f"{session.amount_total / 100:.2f} {session.currency.upper()}"


def _card_form(session: CheckoutSession, error: str = "") -> str:
    shop = html.escape(session._shop or "the shop")
    alert = f'<p role="alert">{html.escape(error)}</p>' if error else ""
    return (
        f"<p>Pay {shop} <strong>{_amount(session)}</strong></p>{alert}"
        f'<form method="post" action="/c/pay/{session.id}">'
        '<label for="number">Card number</label>'
        '<input id="number" name="number" inputmode="numeric" autocomplete="cc-number" required>'
        '<label for="exp">Expiry</label>'
        '<input id="exp" name="exp" placeholder="MM / YY" autocomplete="cc-exp" required>'
        '<label for="cvc">CVC</label><input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" required>'
        '<button type="submit">Pay</button></form>'
        f'<p><a href="{html.escape(session.cancel_url)}">Back to the shop</a></p>'
    )


def _session(request) -> CheckoutSession:
    return CheckoutSession._api_retrieve(request.match_info["id"])


async def hosted_page(request):
    session = _session(request)
    if not session._open():
        return _page("Payment", "<p>This payment page has expired or is already paid.</p>", 410)
    return _page("Payment", _card_form(session))


def _parse_card(form) -> tuple[str, int, int, str] | None:
    number = "".join(ch for ch in form.get("number", "") if ch.isdigit())
    month, _, year = form.get("exp", "").replace(" ", "").partition("/")
    cvc = form.get("cvc", "").strip()
    if len(number) != 16 or not (month.isdigit() and year.isdigit()) or not (cvc.isdigit() and len(cvc) == 3):
        return None
    month_n, year_n = int(month), int(year) + (2000 if len(year) == 2 else 0)
    if not 1 <= month_n <= 12 or (year_n, month_n) < time.gmtime()[:2]:
        return None
    return number, month_n, year_n, cvc


async def pay(request):
    session = _session(request)
    if not session._open():
        return _page("Payment", "<p>This payment page has expired or is already paid.</p>", 410)
    card = _parse_card(await request.post())
    if card is None:
        return _page("Payment", _card_form(session, "Your card details are incomplete or invalid."), 400)
    try:
        intent = session._attempt(*card)
    except CardError as e:
        return _page("Payment", _card_form(session, DECLINES.get(e.code, DECLINES["card_declined"])), 402)
    except UserError:
        return _page("Payment", _card_form(session, DECLINES["card_declined"]), 402)
    if intent.status == "requires_action":
        raise web.HTTPSeeOther(f"/c/pay/{session.id}/authenticate")
    session._complete()
    raise web.HTTPSeeOther(session.success_url)


async def challenge(request):
    session = _session(request)
    body = (
        f"<p>Confirm the payment of {_amount(session)} with your bank.</p>"
        f'<form method="post"><button name="result" value="complete">Complete</button> '
        f'<button name="result" value="fail">Fail</button></form>'
    )
    return _page("3-D Secure", body)


async def authenticate(request):
    session = _session(request)
    intent = PaymentIntent._api_retrieve(session.payment_intent or "pi_none")
    ok = (await request.post()).get("result") == "complete"
    if intent.status != "requires_action":
        raise UserError(400, "Nothing to authenticate")
    try:
        PaymentIntent._api_authenticate(intent.id, client_secret=intent.client_secret, success=ok)
    except UserError:
        return _page("Payment", _card_form(session, DECLINES["card_declined"]), 402)
    if not ok:
        schedule_webhook(Event("payment_intent.payment_failed", intent))
        raise web.HTTPSeeOther(session.cancel_url)
    session._complete()
    raise web.HTTPSeeOther(session.success_url)


def _api(func):
    async def handler(request):
        data = await server.get_post_data(request) or {}
        data.pop("expand", None)
        if "id" in request.match_info:
            data["id"] = request.match_info["id"]
        return server.json_response(func(**data)._export())

    return handler


IDEMPOTENT: dict[str, str] = {}  # Idempotency-Key -> session id: Stripe answers a repeated key with the first result


async def create_session(request):
    key = request.headers.get("Idempotency-Key")
    if key and key in IDEMPOTENT:
        return server.json_response(CheckoutSession._api_retrieve(IDEMPOTENT[key])._export())
    data = await server.get_post_data(request) or {}
    data.pop("expand", None)
    session = CheckoutSession._api_create(**data)
    if key:
        IDEMPOTENT[key] = session.id
    return server.json_response(session._export())


async def retrieve(request):
    return server.json_response(_session(request)._export())


@web.middleware
async def _auth(request, handler):
    """The shopper's pages and the probe are public; the API wants a secret key, as localstripe checks."""
    if request.path.startswith("/c/pay/") or request.path == "/healthz":
        return await handler(request)
    return await server.auth_middleware(request, handler)


def build_app() -> web.Application:
    """localstripe's app with the Checkout routes added; the hosted pages need no API key, the API does."""
    app = server.app
    app.router.add_post("/v1/checkout/sessions", create_session)
    app.router.add_get("/v1/checkout/sessions/{id}", retrieve)
    app.router.add_post("/v1/checkout/sessions/{id}/expire", _api(CheckoutSession._api_expire))
    app.router.add_get("/healthz", lambda r: web.json_response({"status": "ok"}))
    app.router.add_get("/c/pay/{id}", hosted_page)
    app.router.add_post("/c/pay/{id}", pay)
    app.router.add_get("/c/pay/{id}/authenticate", challenge)
    app.router.add_post("/c/pay/{id}/authenticate", authenticate)
    app.middlewares[app.middlewares.index(server.auth_middleware)] = _auth
    return app


def main(argv=None) -> None:
    global PUBLIC_URL
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=4100)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    settings = load_settings("pay-standin")
    # Where the shopper's browser reaches the hosted page (in compose, not the name the services call).
    PUBLIC_URL = os.environ.get("PAY_STANDIN_PUBLIC_URL") or f"http://127.0.0.1:{args.port}"
    url = os.environ.get("STRIPE_WEBHOOK_URL") or f"{settings.gateway_url}/api/payments/webhooks/stripe"
    secret = settings.secret("stripe_webhook_secret")
    if url and secret:
        register_webhook("fragmart", url, secret, None)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    print(f"payment provider stand-in listening on {PUBLIC_URL}", flush=True)
    web.run_app(build_app(), sock=sock, print=None)


if __name__ == "__main__":
    main()
