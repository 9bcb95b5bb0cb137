"""The Stripe adapter: Checkout Sessions with manual capture, PaymentIntents capture and cancel, Refunds, webhooks."""

from __future__ import annotations

from dataclasses import dataclass

import stripe
from stripe._base_address import BaseAddresses
from stripe.params.checkout import SessionCreateParams

from .ports import Checkout, ProviderEvent, ProviderState, ProviderUnavailable, SignatureInvalid

# A PaymentIntent's status, read as the payment's state on our side.
STATES = {
    "requires_capture": "authorized",
    "succeeded": "captured",
    "canceled": "voided",
    "processing": "pending",
    "requires_action": "pending",
    "requires_confirmation": "pending",
    "requires_payment_method": "failed",
}
TOLERANCE_SECONDS = 300  # Stripe's own default: a signature older than five minutes is refused


def _provider_call(func):
    """A call to Stripe whose failure (network, refusal) reaches the use case as ProviderUnavailable."""

    def call(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except stripe.StripeError as e:
            raise ProviderUnavailable(f"{type(e).__name__}: {e.user_message or e.code or ''}") from None

    call.__name__, call.__doc__ = func.__name__, func.__doc__
    return call


@dataclass
class StripeProcessor:
    """One adapter for Stripe and the local stand-in: only the API base differs (None: api.stripe.com)."""

    api_key: str
    webhook_secret: str
    api_base: str | None = None
    name: str = "stripe"

    def __post_init__(self) -> None:
        bases: BaseAddresses = {"api": self.api_base} if self.api_base else {}
        self.client = stripe.StripeClient(self.api_key, base_addresses=bases, max_network_retries=2)

    @_provider_call
    def create_checkout(
        self,
        order_id: str,
        amount: int,
        currency: str,
        *,
        shop: str,
        email: str | None,
        success_url: str,
        cancel_url: str,
        expires_at: int,
    ) -> Checkout:
        params: SessionCreateParams = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": currency.lower(),
                        "unit_amount": amount,
                        "product_data": {"name": f"Order {order_id}"},
                    },
                }
            ],
            "client_reference_id": order_id,
            "metadata": {"order_id": order_id},
            "payment_intent_data": {"capture_method": "manual", "metadata": {"order_id": order_id}},
            "success_url": success_url,
            "cancel_url": cancel_url,
            "expires_at": expires_at,
            "custom_text": {"submit": {"message": shop}},
            **({"customer_email": email} if email else {}),
        }
        # One session per order and attempt: the key makes a double click or a retry return the same session.
        session = self.client.v1.checkout.sessions.create(params, {"idempotency_key": f"checkout-{order_id}"})
        return Checkout(session_id=session.id, url=session.url or "")

    @_provider_call
    def lookup(self, session_id: str) -> ProviderState:
        session = self.client.v1.checkout.sessions.retrieve(session_id)
        intent_id = session.payment_intent if isinstance(session.payment_intent, str) else None
        if session.status == "expired":
            return ProviderState("expired", intent_id, session.amount_total or 0)
        if not intent_id or session.status != "complete":
            return ProviderState("open", intent_id, session.amount_total or 0)
        intent = self.client.v1.payment_intents.retrieve(intent_id)
        return ProviderState(STATES.get(intent.status, "pending"), intent_id, intent.amount)

    @_provider_call
    def cancel_checkout(self, session_id: str) -> None:
        """Expire an open checkout (the order ended first); one already complete or expired is left as it is."""
        session = self.client.v1.checkout.sessions.retrieve(session_id)
        if session.status == "open":
            self.client.v1.checkout.sessions.expire(session_id)

    @_provider_call
    def capture(self, intent_id: str, amount: int) -> None:
        self.client.v1.payment_intents.capture(
            intent_id, {"amount_to_capture": amount}, {"idempotency_key": f"capture-{intent_id}"}
        )

    @_provider_call
    def void(self, intent_id: str) -> None:
        self.client.v1.payment_intents.cancel(intent_id, options={"idempotency_key": f"void-{intent_id}"})

    @_provider_call
    def refund(self, intent_id: str, amount: int, idempotency_key: str) -> str:
        refund = self.client.v1.refunds.create(
            {"payment_intent": intent_id, "amount": amount}, {"idempotency_key": idempotency_key}
        )
        return refund.id

    def parse_webhook(self, payload: bytes, signature: str | None) -> ProviderEvent:
        """The event in a signed delivery, or SignatureInvalid (forged, stale, or not JSON)."""
        try:
            event = stripe.Webhook.construct_event(payload, signature, self.webhook_secret, TOLERANCE_SECONDS)
        except (stripe.SignatureVerificationError, ValueError) as e:
            raise SignatureInvalid(str(e)) from None
        obj = event.data.object.to_dict()
        order_id = (obj.get("metadata") or {}).get("order_id") or obj.get("client_reference_id")
        failure = obj.get("last_payment_error") or {}
        return ProviderEvent(
            event_id=event.id,
            type=event.type,
            created=int(event.created or 0),
            order_id=order_id,
            session_id=obj.get("id") if obj.get("object") == "checkout.session" else None,
            intent_id=obj.get("id") if obj.get("object") == "payment_intent" else None,
            reason=failure.get("decline_code") or failure.get("code"),
        )
