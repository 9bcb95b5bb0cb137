"""Provider webhooks: verified, taken once per event id, and read by asking the provider how the checkout stands."""

from __future__ import annotations

import logging

from pymongo.errors import DuplicateKeyError

from common.clock import now
from common.errors import AppError
from common.ids import is_id

from . import service
from .ports import Charges, Processor, SignatureInvalid

log = logging.getLogger(__name__)


class BadSignature(AppError):
    status, code = 400, "BAD_SIGNATURE"


class DeliveryRepository:
    """The provider's event ids already taken: a redelivery of one is answered and not applied again."""

    def __init__(self, events):
        self.events = events

    def first_delivery(self, event_id: str, kind: str) -> bool:
        try:
            self.events.insert_one({"_id": event_id, "type": kind, "received_at": now()})
            return True
        except DuplicateKeyError:
            return False


def receive(
    deliveries: DeliveryRepository, charges: Charges, processor: Processor, metrics, payload: bytes, signature
) -> str:
    """A provider's delivery: 'applied', 'unchanged' or 'duplicate'; a bad signature raises BadSignature."""
    try:
        event = processor.parse_webhook(payload, signature)
    except SignatureInvalid as e:
        metrics.signature_failed(processor.name)
        log.warning("webhook signature refused", extra={"provider": processor.name, "why": str(e)[:120]})
        raise BadSignature("The webhook's signature is missing, wrong or too old.") from None
    if not deliveries.first_delivery(event.event_id, event.type):
        return "duplicate"
    # Signed is not the same as well-formed: only plain ids reach a query (never {"$ne": …} from a metadata field).
    order_id, session_id = event.order_id, event.session_id
    if event.type == "payment_intent.payment_failed" and isinstance(order_id, str) and is_id(order_id):
        failed = service.attempt_failed(charges, order_id, event.intent_id, event.reason)
        return "applied" if failed else "unchanged"
    if not (
        isinstance(order_id, str) and is_id(order_id) and isinstance(session_id, str) and session_id.startswith("cs_")
    ):
        return "unchanged"  # intent events: the checkout's own event, or the watchdog, asks the provider
    before = charges.get(order_id)
    # The provider's word now, not the event's (which may be old or out of order).
    after = service.settle(charges, processor, order_id, session_id, metrics)
    return "applied" if after and before and after.get("status") != before.get("status") else "unchanged"
